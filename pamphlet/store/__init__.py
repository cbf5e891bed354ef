"""The store: mechanisms that know no essay. The path gate every read goes through
(`paths`), outputs moved into place all together or not at all (`atomic`), and the entries
of the user's cache (`usercache`).

May import: `diagnostics` only.
"""
