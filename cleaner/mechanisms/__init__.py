"""Rule-kind mechanisms: how a kind of rule shared by several stages runs and tests itself.

- :mod:`cleaner.mechanisms.lines`: ``line`` rules (a whole line matching a pattern), for ``debris``,
  ``boilerplate`` and ``appended``;
- :mod:`cleaner.mechanisms.replace`: ``replace`` rules (a pattern and its replacement), for ``unicode``,
  ``debris`` and ``repair``, and the self-test of any rule whose examples are [input, expected output]
  pairs (:func:`cleaner.mechanisms.replace.check_pair_examples`).

They sit between the stage contract (:mod:`cleaner.stage`) and the stages (:mod:`cleaner.stages`): a
stage imports them, never the other way round.
"""
