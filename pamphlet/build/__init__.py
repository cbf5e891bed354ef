"""A spec's build, all or nothing: the pipeline from spec to outputs (`pipeline`), the
record of what was built from what (`cache`), each essay as a booklet of its own
(`booklets`), and the lint that reads a project without building it (`check`).

May import: every stage below it (`outputs`, `engine`, `book`, `text`, `project`, `store`,
`locale`); not the faces (`cli`, `serve`, `site`, `importers`).
"""
