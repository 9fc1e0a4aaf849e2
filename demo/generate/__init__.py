"""A deterministic demo edition bundle, shaped like Kundeserviceprisen 2021.

`generate_bundle(path)` writes the three files of docs/bundle-format.md
(edition.json, participants.csv, contacts.csv) into `path`;
`python -m demo.generate OUT_DIR` does the same from the command line.

The demo has to tell a known story: an interim publication of this bundle must
show exactly the top 3 and field averages of EXPECTED_INTERIM. Rather than
searching for a lucky seed, the generator builds that result on purpose:

1. every participant gets a target channel total per channel: the top 3 well
   above the rest, the others spread below them and shifted so that their mean
   gives the published field average;
2. contacts are drawn around those targets from seeded random generators;
3. answers are then nudged one point at a time until each channel total sits
   on its target and each field average rounds to the published one;
4. the interim table is recomputed with scoring.rules and scoring.results (the
   same pure code the application publishes with) and checked, so a bundle
   that would tell a different story is never written.

Nothing depends on the clock, on hash order or on global random state, so two
runs write byte-identical files. No Django here: only the pure scoring modules and the bundle's format.
"""

from demo.generate.bundle import build_bundle, generate_bundle

__all__ = ["build_bundle", "generate_bundle"]
