"""Write pamphlet/locale/delimiters.json, each CLDR locale's quotation marks, from CLDR's
JSON data: the npm package cldr-misc-full, whose main/<locale>/delimiters.json hold them.
Babel carries most of CLDR, but not its <delimiters>, so pamphlet keeps this table itself.

The data is Unicode's, under the Unicode License v3 (SPDX: Unicode-3.0), whose notice must
go with every copy: this script copies the package's LICENSE to
pamphlet/locale/LICENSE-CLDR.txt beside the table (the wheel ships both).

    npm pack cldr-misc-full@48.2.0 && tar xzf cldr-misc-full-48.2.0.tgz
    python tools/cldr_delimiters.py package
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "pamphlet" / "locale"
KEYS = ("quotationStart", "quotationEnd", "alternateQuotationStart", "alternateQuotationEnd")


def main(package: str, target: Path = LOCALE) -> None:
    folder = Path(package)
    table = {}
    for locale in sorted((folder / "main").iterdir()):
        path = locale / "delimiters.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))["main"][locale.name]
            table[locale.name.replace("-", "_")] = "".join(data["delimiters"][k] for k in KEYS)
    version = json.loads((folder / "package.json").read_text())["version"]
    text = json.dumps({"cldr": version, "source": f"npm cldr-misc-full {version}",
                       "license": "Unicode-3.0, see LICENSE-CLDR.txt", "delimiters": table},
                      ensure_ascii=False, indent=0, sort_keys=True)
    (target / "delimiters.json").write_text(text + "\n", encoding="utf-8")
    shutil.copyfile(folder / "LICENSE", target / "LICENSE-CLDR.txt")
    print(f"{len(table)} locales from CLDR {version} into {target / 'delimiters.json'}")


if __name__ == "__main__":
    main(sys.argv[1])
