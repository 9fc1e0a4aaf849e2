"""`python -m demo.generate OUT_DIR`: write the demo bundle into a folder."""

from __future__ import annotations

from demo.generate.bundle import main

raise SystemExit(main())
