-- pamphlet's citation jobs, many documents formatted in one pandoc process (text/citeproc.py).
-- The metadata names a JSON file holding a list of {name, markdown}: each markdown is a whole
-- pandoc document whose YAML block names its style, references and locale. Each is read as
-- pandoc's Markdown, run through citeproc and written as HTML; the results, by name, go to
-- the JSON file named `pamphlet-out`. Nothing else is read or written.
function Pandoc(doc)
  local jobs_path = pandoc.utils.stringify(doc.meta['pamphlet-jobs'])
  local out_path = pandoc.utils.stringify(doc.meta['pamphlet-out'])
  local source = assert(io.open(jobs_path, 'r'))
  local jobs = pandoc.json.decode(source:read('a'), false)
  source:close()
  local results = {}
  for _, job in ipairs(jobs) do
    local document = pandoc.read(job.markdown, 'markdown')
    results[job.name] = pandoc.write(pandoc.utils.citeproc(document), 'html',
                                     {wrap_text = 'wrap-none'})
  end
  local out = assert(io.open(out_path, 'w'))
  out:write(pandoc.json.encode(results))
  out:close()
  return pandoc.Pandoc({})
end
