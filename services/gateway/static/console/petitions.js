// The petitions pages of the console: see addSections and OPENERS in index.html.
