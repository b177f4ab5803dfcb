"""`python -m deliberation.benchmark` runs the benchmark; `... probe` measures one data
set in-process (used by the benchmark itself)."""

import json
import os
import sys


def _probe(argv):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.benchmark.settings")
    django.setup()
    from deliberation.benchmark import probe

    if argv[:1] == ["--profile"]:
        print(probe.profile(argv[1]))
    else:
        print(json.dumps(probe.probe(), default=str))


if __name__ == "__main__":
    if sys.argv[1:2] == ["probe"]:
        _probe(sys.argv[2:])
    else:
        from deliberation.benchmark.run import main

        sys.exit(main(sys.argv[1:]))
