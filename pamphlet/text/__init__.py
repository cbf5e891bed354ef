"""An essay's text: Markdown converted to HTML with its notes, links and images
(`markup`, cached between builds by `markcache`), the one sanitiser that every fragment of
HTML passes (`sanitiser`), excerpts by section (`excerpt`), and citations: pandoc's syntax
(`citations`), bibliographies (`bibliography`) and pandoc's citeproc (`citeproc`).

May import: `project`, `store`, `locale`, `diagnostics`.
"""
