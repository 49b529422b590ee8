"""factory_boy factories for the tests: an advocate who can share, a live post, a guide, a role."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from advocacy.models import EmployeeProfile, NetworkAudience, Team, User
from content_library.models import Campaign, Post, PostVariant
from guidelines.models import GuideVersion

PASSWORD = "a-Long-test-passw0rd"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = "Ana"
    last_name = factory.Sequence(lambda n: f"Pérez {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        if create:
            user.groups.set(Group.objects.filter(name__in=["employee", *(extracted or [])]))
            user.refresh_from_db()

    @factory.post_generation
    def team(user, create, extracted, **kwargs):
        if create and extracted is not None:
            EmployeeProfile.objects.filter(user=user).update(team=extracted)
            user.refresh_from_db()


class AdvocateFactory(UserFactory):
    """An employee who has joined the program and has LinkedIn followers."""

    @factory.post_generation
    def opted_in(user, create, extracted, **kwargs):
        if create:
            EmployeeProfile.objects.filter(user=user).update(opted_in_at=timezone.now() - timedelta(days=30))
            NetworkAudience.objects.create(employee=user, network="linkedin", followers=500)
            user.refresh_from_db()


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    hashtag = factory.Sequence(lambda n: f"Campaign{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))


class PostFactory(factory.django.DjangoModelFactory):
    """An approved post, live since yesterday."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post {n}")
    summary = "Something we are proud of."
    url = "https://www.example.com/news/story?lang=es"
    language = "en"
    status = Post.Status.APPROVED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def texts(post, create, extracted, **kwargs):
        if create:
            for network, text in (extracted or {"linkedin": "Proud of this story", "x": "Short story"}).items():
                PostVariant.objects.create(post=post, network=network, text=text)

    @factory.post_generation
    def targets(post, create, extracted, **kwargs):
        if create and extracted:
            post.target_teams.set(extracted)


class GuideVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideVersion

    version = factory.Sequence(lambda n: n + 1)
    title = "Social media usage guide"
    body = "Be kind. Never share confidential information."
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=60))
