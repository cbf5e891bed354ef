"""One writer per output format, each from the assembled book and the laid-out reading
PDF: the EPUB and its cover (`epub`, `cover`), the Kobo edition (`kepub`), the imposed,
grayscale, press and perfect-bound PDFs (`impose`, `grayscale`, `press`, `wrap`), the
event kit's calendar file and printer's test sheet (`kit`, `calendar`, `testsheet`).

May import: `engine`, `book`, `text`, `project`, `store`, `locale`, `diagnostics`.
"""
