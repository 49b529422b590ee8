"""Training capsules: lessons with an optional quiz; completion and score kept; points once; HR per team."""

import pytest
from django.urls import reverse

from advocacy.services import ShareRefused, share_post
from guidelines.models import Capsule, CapsuleAttempt, CapsuleCompletion, QuizQuestion
from rewards.selectors import balance
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def basic():
    capsule = Capsule.objects.create(level="basic", language="es", title="Básico", body="## Hola\n\nTexto.",
                                     pass_mark=70, is_published=True)
    for number, right in enumerate([2, 1, 3]):
        QuizQuestion.objects.create(capsule=capsule, text=f"Pregunta {number}", choices="A\nB\nC",
                                    correct_choice=right, order=number)
    return capsule


def answers(capsule, right=3):
    """POST data answering the first `right` questions correctly and the rest wrongly."""
    data = {}
    for index, question in enumerate(capsule.questions.all()):
        data[f"q{question.pk}"] = question.correct_choice if index < right else question.correct_choice % 3 + 1
    return data


def test_a_failed_quiz_is_kept_but_completes_nothing(client, employee, basic):
    client.force_login(employee)
    response = client.post(reverse("capsule", args=[basic.pk]), answers(basic, right=2), follow=True)
    assert "67%: you need 70% to pass." in response.content.decode()
    assert CapsuleAttempt.objects.get().score == 67
    assert not CapsuleCompletion.objects.exists()
    assert balance(employee) == 0


def test_passing_completes_the_capsule_and_pays_once(client, employee, basic):
    client.force_login(employee)
    client.post(reverse("capsule", args=[basic.pk]), answers(basic))
    client.post(reverse("capsule", args=[basic.pk]), answers(basic))
    assert CapsuleAttempt.objects.count() == 2
    assert CapsuleCompletion.objects.get().score == 100
    assert balance(employee) == 15
    listing = client.get(reverse("capsules")).content.decode()
    assert "Passed (100%)" in listing


def test_every_question_must_be_answered(client, employee, basic):
    client.force_login(employee)
    data = answers(basic)
    data.popitem()
    response = client.post(reverse("capsule", args=[basic.pk]), data)
    assert response.status_code == 200 and "Answer this question." in response.content.decode()
    data[f"q{basic.questions.last().pk}"] = "99"
    response = client.post(reverse("capsule", args=[basic.pk]), data)
    assert "Select a valid choice." in response.content.decode()
    assert not CapsuleAttempt.objects.exists()


def test_a_capsule_without_a_quiz_is_completed_by_reading_it(client, employee):
    reading = Capsule.objects.create(title="Read me", body="Just read", is_published=True)
    client.force_login(employee)
    client.post(reverse("capsule", args=[reading.pk]))
    assert CapsuleCompletion.objects.get(capsule=reading).score == 100


def test_unpublished_capsules_are_not_shown(client, employee):
    draft = Capsule.objects.create(title="Draft", body="…", is_published=False)
    client.force_login(employee)
    assert client.get(reverse("capsule", args=[draft.pk])).status_code == 404
    assert "Draft" not in client.get(reverse("capsules")).content.decode()


def test_capsules_in_my_language_come_first(client, employee, basic):
    Capsule.objects.create(level="basic", language="en", title="Basic in English", body="x", is_published=True)
    employee.profile.language = "en"
    employee.profile.save()
    client.force_login(employee)
    titles = [capsule.title for capsule in client.get(reverse("capsules")).context["capsules"]]
    assert titles == ["Basic in English", "Básico"]


def test_markdown_in_a_capsule_is_sanitised(client, employee):
    capsule = Capsule.objects.create(title="X", body="<script>alert(1)</script>**ok**", is_published=True)
    client.force_login(employee)
    html = client.get(reverse("capsule", args=[capsule.pk])).content.decode()
    assert "<strong>ok</strong>" in html and "<script>alert(1)" not in html


def test_a_setting_can_require_the_basic_capsule_before_the_first_share(client, employee, basic, live_post, settings):
    settings.TRAINING_REQUIRED_BEFORE_SHARING = True
    with pytest.raises(ShareRefused) as refusal:
        share_post(employee, live_post, "linkedin")
    assert refusal.value.action_url == "/guide/capsules/"
    client.force_login(employee)
    client.post(reverse("capsule", args=[basic.pk]), answers(basic))
    assert share_post(employee, live_post, "linkedin").created


def test_hr_sees_completion_per_team(client, basic):
    sales, tech = factories.TeamFactory(name="Sales"), factories.TeamFactory(name="Tech")
    passed = [factories.AdvocateFactory(team=sales) for _ in range(2)]
    factories.AdvocateFactory(team=sales)
    factories.AdvocateFactory(team=tech)
    for person in passed:
        client.force_login(person)
        client.post(reverse("capsule", args=[basic.pk]), answers(basic))
    client.force_login(factories.UserFactory(roles=["hr"]))
    rows = {row["team"]: (row["total"], row["cells"]) for row in client.get(reverse("hr_training")).context["rows"]}
    assert rows["Sales"] == (3, [2]) and rows["Tech"] == (1, [0])

    manager = factories.UserFactory(roles=["manager"], team=tech)
    tech.managers.add(manager)
    client.force_login(manager)
    rows = {row["team"] for row in client.get(reverse("hr_training")).context["rows"]}
    assert rows == {"Tech"}


def test_quiz_questions_need_two_to_six_answers_and_a_right_one_among_them(basic):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="two to six"):
        QuizQuestion(capsule=basic, text="?", choices="Only one", correct_choice=1).full_clean()
    with pytest.raises(ValidationError, match="only 2 answers"):
        QuizQuestion(capsule=basic, text="?", choices="A\nB", correct_choice=3).full_clean()
