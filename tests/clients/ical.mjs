// How Mozilla's ical.js (Thunderbird's) reads calendar files: each file's events, with their
// start and end as UTC seconds, after registering the file's own VTIMEZONEs as Thunderbird
// does. Usage: node ical.mjs PATH/TO/ical.js/dist/ical.js FILE.ics... ; prints JSON.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [library, ...files] = process.argv.slice(2);
const ICAL = (await import(pathToFileURL(library).href)).default;
const found = {};
for (const file of files) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  found[file] = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      summary: event.summary,
      start: event.startDate.toUnixTime(),
      end: event.endDate ? event.endDate.toUnixTime() : null,
      zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    };
  });
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.remove(zone.getFirstPropertyValue("tzid"));
  }
}
console.log(JSON.stringify(found));
