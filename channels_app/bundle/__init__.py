"""The edition bundle of docs/bundle-format.md: edition.json, participants.csv, contacts.csv.

`format` names the files, columns and limits and the Problem that every bad
input becomes; `parse` reads files into checked values; `importer` writes them
through the services, all or nothing; `export` writes an edition back out.
"""
