-- A bibliography file's works as CSL JSON, as pandoc's citeproc reads them for a document in
-- the language of the metadata (text/citeproc.py): BibTeX titles are put in sentence case
-- only for English works, as citeproc itself does when it reads the file.
function Pandoc(doc)
  return pandoc.Pandoc({}, {references = pandoc.utils.references(doc)})
end
