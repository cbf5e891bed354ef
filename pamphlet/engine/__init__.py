"""The layout engine: the reading PDF laid out by WeasyPrint, whole (`pdf`) or in parts
laid out in worker processes and cached (`parts`, `partlayout`), joined into one book
(`stitch`, `overlay`), tagged for screen readers (`tagged`), with where each printed page
and numbered line begins (`pagebreaks`, `linenumbers`); and lines of text set where a drawn
sheet wants them, in a font with their script (`sheet`, for the printer test sheet).

May import: `book`, `text`, `project`, `store`, `locale`, `diagnostics`, `progress`.
"""
