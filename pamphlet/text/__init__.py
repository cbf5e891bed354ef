"""An essay's text: Markdown converted to HTML with its notes, links and images
(`markup`, cached between builds by `markcache`), the one sanitiser that every fragment of
HTML passes (`sanitiser`), and excerpts by section (`excerpt`).

May import: `project`, `store`, `locale`, `diagnostics`.
"""
