"""The role of a figure (target / actual / other), at extraction time.

A figure's role is decided by its sentence: the cue words around it (mục tiêu, phấn đấu,
đến năm X -> target; đạt, đã, tăng -> actual; gồm, với, counted members -> other), where
they stand relative to the figure (just before, same clause, earlier in the sentence,
after), the verb that governs it and the POS of its neighbours.

- `cues`: the cue groups of nlp/rules/role_cues.yml, compiled once, and their matches;
- `context`: the figure's unit words, clause, window, list lead-in, previous sentence;
- `vote`: the rule vote over the cues (the fallback without a model, and a feature);
- `features`: the feature dict of a figure for the trained model;
- `model`: loading the trained model with its provenance, and `assign_roles`.

Training, cross-validation and evaluation are the training side (nlp.training), which
extraction never imports: nothing here imports scikit-learn.
"""
