// The org pages of the console: see addSections and OPENERS in index.html.
