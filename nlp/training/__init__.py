"""The training side: gold files, scoring against gold, and the role model's training.

- `gold`: gold annotation files (corpus/gold/**/*.jsonl) with offsets resolved;
- `scoring`: predictions against gold with the matching rule of corpus/GUIDELINES.md
  (`solieu eval`, the evaluation gate);
- `examples`: role examples from gold figures and from reviewed records, and their features;
- `crossval`: the scikit-learn pipeline, the choice of C, grouped cross-validation;
- `train`: `solieu train`: fit, save models/role with its meta.json, role accuracy on gold.

Extraction (nlp.pipeline and everything it imports) never imports this package, and only
this package imports scikit-learn.
"""
