"""Where the bundled corpus lives, for every test."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = CORPUS / "seeds"
EXTRA = CORPUS / "extra"
GOLD_DEV = CORPUS / "gold" / "dev"
GOLD_EXTRA = CORPUS / "gold" / "extra"
GOLD_DIRS = [GOLD_DEV, GOLD_EXTRA]
TEXT_DIRS = [SEEDS, EXTRA]
