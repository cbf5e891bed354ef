"""The project and its model: finding a project, its specs and their schema (`spec`,
`schema`), the essays and their front matter (`essays`), which essays a spec selects
(`select`), the library as `list` and `serve` show it, and the settings a spec holds for
print (`printing`, `imposition`), for an event (`eventkit`) and for citations (`styles`:
the CSL styles by id, or a project's .csl).

May import: `store`, `locale`, `diagnostics`.
"""
