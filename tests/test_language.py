"""The ``language`` stage: document language in the record, foreign paragraphs flagged or removed."""

from __future__ import annotations

from cleaner import Cleaner

EN = (
    "The summit in Alaska ended without a ceasefire, and both sides said that progress had been made on the "
    "questions that matter most to them."
)
EN2 = "European leaders will meet the president on Monday at the White House to discuss the guarantees."
DE = (
    "Die Staats- und Regierungschefs der Europäischen Union wollen am Montag im Weißen Haus über "
    "Sicherheitsgarantien für die Ukraine beraten."
)
FR = (
    "Les dirigeants européens rencontreront le président lundi à la Maison Blanche pour discuter "
    "des garanties."
)


def test_english_takes_the_fast_path(cleaner):
    result = cleaner.clean(f"{EN}\n\n{EN2}\n")
    assert result.metadata["language"] == "en"
    assert result.metadata["language_confidence"] == 1.0  # no detector run: plainly English


def test_german_document_is_detected(cleaner):
    assert cleaner.clean(f"{DE}\n").metadata["language"] == "de"


def test_detection_is_deterministic():
    texts = [FR, DE, "Ein kurzer Satz auf Deutsch, der trotzdem genug Wörter für die Erkennung hat."]
    first = [Cleaner().clean(t).metadata for t in texts]
    again = [Cleaner().clean(t).metadata for t in reversed(texts)][::-1]
    assert first == again


def test_foreign_paragraph_is_flagged_not_removed_by_default(cleaner):
    result = cleaner.clean(f"{EN}\n\n{EN2}\n\n{DE}\n")
    assert DE in result.text
    (flag,) = result.metadata["foreign_paragraphs"]
    assert flag["language"] == "de" and flag["paragraph"] == 2


def test_remove_action_removes_it_with_a_reason(tmp_path):
    (tmp_path / "pipeline.toml").write_text('[settings.language]\naction = "remove"\n')
    result = Cleaner(["default", tmp_path]).clean(f"{EN}\n\n{EN2}\n\n{DE}\n")
    assert DE not in result.text and EN in result.text
    (edit,) = [e for e in result.edits if e.stage == "language"]
    assert edit.rule == "foreign-paragraph" and "de" in edit.reason


def test_text_without_words_enough_is_undetermined(cleaner):
    assert cleaner.clean("Putin met Zelensky.\n").metadata["language"] == "und"
    assert cleaner.clean("2025-08-17 18:31 — 42 % 17 x ABC\n").metadata["language"] == "und"


def test_invalid_action_is_a_rule_error(tmp_path):
    import pytest

    from cleaner import RuleError, load_rules

    (tmp_path / "pipeline.toml").write_text('[settings.language]\naction = "delete"\n')
    with pytest.raises(RuleError, match="action must be flag or remove"):
        load_rules(["default", tmp_path])


def test_a_menu_at_the_top_does_not_decide_the_language(cleaner):
    # prose lines are sampled first: an English menu above German prose is a German page
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Contact us", "Sign in", "Subscribe now"] * 30)
    result = cleaner.clean(f"{menu}\n\n{DE}\n\n{DE.replace('Montag', 'Dienstag')}\n")
    assert result.metadata["language"] == "de" and result.metadata["language_confidence"] == 1.0


def test_a_script_only_one_language_writes_needs_no_detector(cleaner):
    greek = "Οι ηγέτες της Ευρώπης θα συναντήσουν τον πρόεδρο τη Δευτέρα στον Λευκό Οίκο για τις εγγυήσεις."
    result = cleaner.clean(f"{greek}\n")
    assert result.metadata["language"] == "el" and result.metadata["language_confidence"] == 1.0


def test_paragraphs_in_the_documents_own_unspaced_script_are_not_foreign(cleaner):
    zh = "欧洲领导人周一将在白宫与总统会面，讨论对乌克兰的安全保障问题，以及停火谈判的下一步安排。"
    result = cleaner.clean(f"{zh}\n\n{zh.replace('周一', '周二')}\n\n{zh.replace('白宫', '华盛顿')}\n")
    assert result.metadata["language"] == "zh"
    assert "foreign_paragraphs" not in result.metadata


def test_a_foreign_paragraph_in_another_script_is_still_found(cleaner):
    ru = (
        "Европейские лидеры встретятся с президентом в понедельник в Белом доме, чтобы обсудить "
        "гарантии безопасности для Украины и следующие шаги переговоров о прекращении огня."
    )
    result = cleaner.clean(f"{EN}\n\n{EN2}\n\n{ru}\n")
    (flag,) = result.metadata["foreign_paragraphs"]
    assert flag["language"] == "ru"


def test_common_words_from_the_small_list_are_those_of_the_full_list():
    # common_words reads wordfreq's "small" list because it loads ten times faster; this holds only
    # while its top 100 are the default list's, for English and every fast-path language
    import wordfreq

    from cleaner.stages.language import LanguageSettings, common_words

    for lang in ("en", *LanguageSettings().fast_languages):
        assert common_words(lang) == frozenset(wordfreq.top_n_list(lang, 100)), lang
    wordfreq.get_frequency_list.cache_clear()
