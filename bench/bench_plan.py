"""Making the contact plan of a large edition, and making it again: time, and how much a change moves.

    .venv/bin/python -m bench.bench_plan [--participants 200] [--judges 12]

A throw-away SQLite database with an edition of N participants (channels drawn at random, seeded) and the judges;
then `plan_edition` three times: the first plan, the same plan made again (nothing may change), and the plan made
again after one more participant and one more declared conflict (what it adds, and how many entries it moves).
The table goes to stdout and, as the section "Plan", to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from datetime import time as dt_time
from pathlib import Path

from bench.bench_import import RESULTS, machine, results_write


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--judges", type=int, default=12)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="award-plan-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'plan.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from audit.models import Source
    from award.models import Participant
    from award.roles import roles_ensure
    from award.services import class_ensure, edition_upsert, participant_upsert
    from channels_app.models import JudgeConflict, OpeningHours
    from channels_app.planning import PlanSummary, plan_edition
    from channels_app.questionnaire import question_upsert
    from channels_app.services import judge_ensure

    call_command("migrate", verbosity=0)
    roles_ensure()
    edition, _ = edition_upsert(
        year=2030, name="Plan 2030", starts_on=date(2030, 1, 14), ends_on=date(2030, 5, 10), source=Source.COMMAND
    )
    for channel in ("phone", "email", "chat", "messenger"):
        question_upsert(
            edition=edition,
            channel=channel,
            key="wait",
            text="Wait?",
            area="Wait",
            max_points=5,
            counts=True,
            position=0,
            source=Source.COMMAND,
        )
    award_class, _ = class_ensure(edition=edition, name="All", source=Source.COMMAND)
    rng = random.Random(2030)  # nosec B311 # seeded on purpose: the same synthetic edition every run
    for n in range(args.participants):
        channels = [c for c in ("phone", "email", "chat", "messenger") if rng.random() < 0.8] or ["phone"]
        participant_upsert(edition=edition, name=f"P{n:03d}", award_class=award_class, channels=channels, source=Source.COMMAND)
    for j in range(args.judges):
        judge_ensure(username=f"judge{j:02d}")

    def timed(label: str) -> tuple[str, float, PlanSummary]:
        started = time.perf_counter()
        summary = plan_edition(edition=edition)
        return label, time.perf_counter() - started, summary

    runs = [timed("first plan"), timed("made again, nothing changed")]
    participant_upsert(edition=edition, name="P-new", award_class=award_class, channels=["phone", "email"], source=Source.COMMAND)
    JudgeConflict.objects.create(judge=User.objects.get(username="judge03"), participant=Participant.objects.get(name="P010"))
    runs.append(timed("made again after a new participant and a new conflict"))
    judge_ensure(username="judge-new")
    runs.append(timed("made again after a new judge"))
    OpeningHours.objects.create(participant=Participant.objects.get(name="P020"), opens=dt_time(11, 0), closes=dt_time(14, 0))
    runs.append(timed("made again after opening hours for one participant"))

    lines = [
        "## Plan",
        "",
        f"`bench/bench_plan.py`: `plan_edition` for {args.participants} participants x 25 contacts x {args.judges} judges "
        "on SQLite, in one process.",
        "",
        f"- date: {time.strftime('%Y-%m-%dT%H:%M%z')}",
        *(f"- {key}: {value}" for key, value in machine(["sqlite"], "").items()),
        f"- command: `python -m bench.bench_plan --participants {args.participants} --judges {args.judges}`",
        "",
        "| run | seconds | planned | added | removed | moved (another judge, or a time inside opening hours) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, seconds, summary in runs:
        lines.append(
            f"| {label} | {seconds:.2f} | {summary.planned:,} | {summary.created:,} | {summary.removed:,} | {summary.moved:,} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    results_write(args.results, text, title="## Plan")


if __name__ == "__main__":
    main()
