// How reader apps' own parsers read the site's catalogs: NYPL's opds-feed-parser (OPDS 1)
// and Readium's r2-opds-js (Thorium: OPDS 1, converted to OPDS 2, and OPDS 2 itself).
// Usage: node opds.cjs NODE_MODULES FEED.xml... FEED.json... ; prints JSON: for each file,
// each parser's publications by title, each with its links as [rel, type, title], and the
// OPDS 2 groups as [title, links, publications].
const fs = require("fs");
const path = require("path");

const [modules, ...files] = process.argv.slice(2);
const need = (name) => require(path.join(modules, name));
const Parser = need("opds-feed-parser").default;
const r2 = "dist/es8-es2017/src/";
need("r2-opds-js/" + r2 + "opds/init-globals").initGlobalConverters_OPDS();
need("r2-shared-js/" + r2 + "init-globals").initGlobalConverters_GENERIC();
const { OPDS } = need("r2-opds-js/" + r2 + "opds/opds1/opds");
const { OPDSFeed } = need("r2-opds-js/" + r2 + "opds/opds2/opds2");
const { convertOpds1ToOpds2 } = need("r2-opds-js/" + r2 + "opds/converter");
const { XML } = need("r2-utils-js/" + r2 + "_utils/xml-js-mapper");
const { TaJsonDeserialize } = need("r2-lcp-js/" + r2 + "serializable");
const { DOMParser } = need("@xmldom/xmldom");

const links = (list) => (list || []).map((l) => [[].concat(l.Rel || l.rel || []).join(" "),
  l.TypeLink || l.type, l.Title || l.title || null]);
const byTitle = (publications) => Object.fromEntries((publications || []).map(
  (p) => [p.Metadata.Title, links(p.Links)]));

async function read(file) {
  const text = fs.readFileSync(file, "utf8");
  if (file.endsWith(".json")) {
    const feed = TaJsonDeserialize(JSON.parse(text), OPDSFeed);
    return { r2: byTitle(feed.Publications),
             groups: (feed.Groups || []).map((g) => [g.Metadata.Title, links(g.Links),
                                                     (g.Publications || []).length]) };
  }
  const feed = await new Parser().parse(text);
  const nypl = Object.fromEntries(feed.entries.map((e) => [e.title, links(e.links)]));
  const doc = new DOMParser().parseFromString(text, "application/xml");
  const converted = convertOpds1ToOpds2(XML.deserialize(doc, OPDS));
  return { nypl, r2: byTitle(converted.Publications) };
}

(async () => {
  const found = {};
  for (const file of files) found[file] = await read(file);
  console.log(JSON.stringify(found));
})().catch((error) => { console.error(error); process.exit(1); });
