"""The layout engine: the reading PDF laid out by WeasyPrint, whole (`pdf`) or in parts
laid out in worker processes and cached (`parts`, `partlayout`), joined into one book
(`stitch`, `overlay`), tagged for screen readers (`tagged`), with where each printed page
and numbered line begins (`pagebreaks`, `linenumbers`).

May import: `book`, `text`, `project`, `store`, `locale`, `diagnostics`, `progress`.
"""
