"""Fill an empty database with a demo company and print one login per role.

Running it again changes nothing: it sees the demo (or any posts) already there and only prints the logins.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from advocacy import roles
from advocacy.models import Click, EmployeeProfile, NetworkAudience, Share, Team, TrackedLink, new_link_code
from advocacy.networks import Network
from advocacy.services import destination_with_utm, forget_old_salts, set_roles, visitor_key
from content_library.models import Campaign, Category, Post, PostTransition, PostVariant
from guidelines.models import Capsule, GuideVersion, QuizQuestion
from guidelines.services import sign_guide, take_capsule
from metrics.services import fill_daily_stats
from rewards.services import award_for_share

from .demo_content import CAPSULES, GUIDE_BODY, GUIDE_TITLE, POSTS

DEMO_PASSWORD = "demo-advocacy-2026"
DOMAIN = "example.com"
ROLE_LOGINS = [
    (roles.ADMIN, f"admin@{DOMAIN}"),
    (roles.COMMS, f"comms@{DOMAIN}"),
    (roles.REVIEWER, f"reviewer@{DOMAIN}"),
    (roles.HR, f"hr@{DOMAIN}"),
    (roles.MANAGER, f"manager@{DOMAIN}"),
    (roles.EMPLOYEE, f"employee@{DOMAIN}"),
]
FIRST_NAMES = ["Lucía", "Mateo", "Sofía", "Hugo", "Martina", "Leo", "Valeria", "Daniel", "Paula", "Álvaro",
               "Carmen", "Pablo", "Elena", "Diego", "Julia", "Adrián", "Noa", "Marcos", "Irene", "Javier",
               "Olivia", "Sergio", "Emma", "Raúl", "Laura", "Andrés", "Sara", "Tomás", "Alba", "Iker"]
LAST_NAMES = ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Díaz", "Moreno", "Ruiz",
              "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Serrano", "Molina"]
HUMAN_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
]
BOT_AGENTS = ["LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
              "Twitterbot/1.0", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"]
REFERRERS = {Network.LINKEDIN: "https://www.linkedin.com/", Network.X: "https://t.co/",
             Network.FACEBOOK: "https://l.facebook.com/", Network.WHATSAPP: "", Network.EMAIL: ""}


class Command(BaseCommand):
    help = "Fill an empty database with a demo company (teams, ~30 employees, 20 posts, shares, clicks)."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(email=ROLE_LOGINS[0][1]).exists():
            self.stdout.write("The demo company is already loaded.")
            self.print_logins()
            return
        if Post.objects.exists():
            self.stdout.write(self.style.WARNING("The database already holds posts: the demo was not loaded."))
            return
        with transaction.atomic():
            self.build()
        forget_old_salts()
        fill_daily_stats()
        self.stdout.write(self.style.SUCCESS("Demo company loaded."))
        self.print_logins()

    def print_logins(self):
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for role, email in ROLE_LOGINS:
            self.stdout.write(f"  {role:<9} {email}  {DEMO_PASSWORD}")

    def build(self):
        rng = random.Random(2026)
        now = timezone.now()
        teams = self.build_teams()
        people = self.build_people(rng, teams, now)
        campaign = Campaign.objects.create(
            name="Semana de la Innovación", slug="semana-innovacion", hashtag="InnovaAcme",
            description="Dos semanas para contar cómo innovamos.",
            starts_on=(now - timedelta(days=20)).date(), ends_on=(now + timedelta(days=10)).date(),
            goal_kind=Campaign.Goal.SHARES, goal_target=60, prize="Un dron para quien más comparta",
            points_multiplier=2,
        )
        posts = self.build_posts(rng, now, campaign, teams, people)
        guide = GuideVersion.objects.create(
            version=1, title=GUIDE_TITLE, body=GUIDE_BODY, summary_of_changes="",
            effective_date=(now - timedelta(days=90)).date(), published_at=now - timedelta(days=90),
            forbidden_terms="idiota\nestúpido\nstupid", confidential_terms="Proyecto Halcón\nProject Falcon",
            disclosure_hashtag="EmpleadoAcme", max_hashtags=5,
        )
        advocates = [p for p in people if p.profile.is_advocate]
        for person in advocates:
            sign_guide(person, guide, person.get_full_name(), HUMAN_AGENTS[0],
                       signed_at=person.profile.opted_in_at + timedelta(hours=1))
        self.build_activity(rng, now, posts, advocates)
        self.build_capsules(rng, advocates)
        self.build_report_inputs(now)
        self.build_rewards(now, people, campaign)

    @staticmethod
    def build_rewards(now, people, campaign):
        """A rewards catalog, a redemption waiting for comms, last month's employee, a raffle, badges."""
        from metrics.selectors import Filters, Month, top_contributors
        from rewards.badges import award_badges
        from rewards.models import EmployeeOfTheMonth, LeaderboardAlias, Raffle, RewardItem
        from rewards.raffles import create_raffle
        from rewards.redemptions import redeem

        items = [RewardItem.objects.create(name=name, description=description, kind=kind, points_price=price,
                                           stock=stock)
                 for name, description, kind, price, stock in [
                     ("Camiseta Acme · Acme T-shirt", "Algodón orgánico · Organic cotton", "swag", 150, 25),
                     ("Donación a Cruz Roja · Red Cross donation", "10 € en tu nombre · €10 in your name",
                      "donation", 200, None),
                     ("Tarjeta regalo 25 € · €25 gift card", "Para librerías · For bookshops", "gift_card", 400, 10),
                     ("Café con la CEO · Coffee with the CEO", "30 minutos · 30 minutes", "experience", 600, 3),
                     ("Un día libre · A day off", "A disfrutar en 3 meses · To take within 3 months",
                      "day_off", 1500, 2)]]
        employee = next(person for person in people if person.email == f"employee@{DOMAIN}")
        try:
            redeem(employee, items[0].pk)
        except Exception:  # the demo employee may not have the points
            pass
        month = Month.containing(timezone.localdate(now)).previous()
        fill_daily_stats()  # the ranking reads the points the rollup counted
        best = top_contributors(month, Filters())
        if best:
            EmployeeOfTheMonth.objects.create(month=month.first_day, employee=best[0]["employee"],
                                              citation="La que más conversaciones generó · Started the most "
                                                       "conversations", named_by=people[1])
        LeaderboardAlias.objects.create(employee=people[7], pseudonym="Halcón Peregrino")
        raffle = create_raffle(campaign, title="Sorteo #InnovaAcme", prize="Dos entradas para el Mobile World Congress",
                               winners=1, ticket_per_share=True)
        assert isinstance(raffle, Raffle)
        award_badges()

    @staticmethod
    def build_report_inputs(now):
        """What comms sets in the admin for the earned media value and the return on investment."""
        from decimal import Decimal

        from metrics.models import NetworkRate, ProgramCost

        for network, cpm, cpc in [(Network.LINKEDIN, "33.80", "5.26"), (Network.X, "6.46", "0.38"),
                                  (Network.FACEBOOK, "8.60", "0.72")]:
            NetworkRate.objects.create(network=network, cpm=Decimal(cpm), cpc=Decimal(cpc))
        this_month = timezone.localdate(now).replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        ProgramCost.objects.create(month=last_month, amount=Decimal("250.00"), note="Licencias y premios")
        ProgramCost.objects.create(month=this_month, amount=Decimal("250.00"), note="Licencias y premios")

    def build_capsules(self, rng, advocates):
        """The six demo capsules (three levels, Spanish and English); most advocates passed the basic one."""
        capsules = []
        for order, spec in enumerate(CAPSULES):
            capsule = Capsule.objects.create(
                level=spec["level"], language=spec["language"], title=spec["title"], summary=spec["summary"],
                body=spec["body"], video_url=spec["video_url"], pass_mark=spec["pass_mark"], is_published=True,
                order=order,
            )
            for number, question in enumerate(spec["questions"]):
                QuizQuestion.objects.create(capsule=capsule, text=question["text"], order=number,
                                            choices="\n".join(question["choices"]),
                                            correct_choice=question["correct"] + 1)
            capsules.append(capsule)
        for person in advocates:
            language = person.profile.language or "es"
            for capsule in capsules:
                if capsule.language != language or rng.random() > {"basic": 0.8, "intermediate": 0.4}.get(
                        capsule.level, 0.15):
                    continue
                questions = list(capsule.questions.all())
                take_capsule(person, capsule, {question.pk: question.correct_choice for question in questions})

    def build_teams(self):
        company = Team.objects.create(name="Acme")
        teams = {"company": company}
        for key, name in [("marketing", "Marketing y Comunicación"), ("sales", "Ventas"),
                          ("tech", "Tecnología"), ("people", "Personas")]:
            teams[key] = Team.objects.create(name=name, parent=company)
        teams["sales_es"] = Team.objects.create(name="Ventas España", parent=teams["sales"])
        teams["sales_latam"] = Team.objects.create(name="Ventas LATAM", parent=teams["sales"])
        return teams

    def build_people(self, rng, teams, now):
        User = get_user_model()
        plan = [  # (email, role, team key, job title, language, location)
            (f"admin@{DOMAIN}", roles.ADMIN, "tech", "Administradora de la plataforma", "es", "Madrid"),
            (f"comms@{DOMAIN}", roles.COMMS, "marketing", "Community manager", "es", "Madrid"),
            (f"reviewer@{DOMAIN}", roles.REVIEWER, "company", "Legal counsel", "en", "Madrid"),
            (f"hr@{DOMAIN}", roles.HR, "people", "HR business partner", "es", "Barcelona"),
            (f"manager@{DOMAIN}", roles.MANAGER, "sales", "Sales director", "en", "Madrid"),
            (f"employee@{DOMAIN}", roles.EMPLOYEE, "sales_es", "Account executive", "es", "Sevilla"),
        ]
        team_keys = ["marketing", "sales_es", "sales_latam", "tech", "tech", "people", "sales_es", "marketing"]
        for index in range(24):
            plan.append((f"employee{index + 1:02d}@{DOMAIN}", roles.EMPLOYEE, team_keys[index % len(team_keys)],
                         rng.choice(["Consultant", "Ingeniera de software", "Product manager", "Comercial",
                                     "Diseñador", "Analista de datos"]),
                         "en" if index % 4 == 0 else "es",
                         rng.choice(["Madrid", "Barcelona", "Valencia", "Ciudad de México", "Bogotá", "Lima"])))
        people = []
        for index, (email, role, team_key, job_title, language, location) in enumerate(plan):
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first, last_name=last,
                date_joined=now - timedelta(days=200 - index),
            )
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            set_roles(user, [role] if role == roles.EMPLOYEE else [roles.EMPLOYEE, role])
            if role == roles.ADMIN:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            # Most people join the program; a few have not (yet), and one left.
            joined = index < 6 or rng.random() < 0.8
            EmployeeProfile.objects.filter(user=user).update(
                team=teams[team_key], job_title=job_title, language=language, location=location,
                opted_in_at=now - timedelta(days=120 - index) if joined else None,
                opted_out_at=now - timedelta(days=5) if index == 29 and joined else None,
            )
            for network, low, high in [(Network.LINKEDIN, 150, 2500), (Network.X, 50, 1500),
                                       (Network.FACEBOOK, 80, 900)]:
                NetworkAudience.objects.create(employee=user, network=network, followers=rng.randint(low, high))
            user.refresh_from_db()
            people.append(user)
        teams["sales"].managers.add(people[4])
        return people

    @staticmethod
    def classify(item, categories):
        """The demo posts' type and category, read off their address."""
        url = item["url"]
        kinds = [(("empleo", "hiring", "jobs"), Post.ContentType.JOB_OPENING, "talent"),
                 (("tendencias", "trends", "cloud", "informe"), Post.ContentType.INDUSTRY, "innovation"),
                 (("dog", "fun", "friday", "cena", "perro"), Post.ContentType.FUN, None),
                 (("voluntariado", "volunteer", "mejores", "engineering", "mentoring", "flexible"),
                  Post.ContentType.CULTURE, "talent"),
                 (("caso", "customer", "cliente", "bank"), Post.ContentType.COMPANY_NEWS, "customers")]
        for words, kind, category in kinds:
            if any(word in url for word in words):
                return kind, categories.get(category)
        innovation = item.get("campaign") or "innova" in url or "hackathon" in url
        return Post.ContentType.COMPANY_NEWS, categories["innovation"] if innovation else None

    def build_posts(self, rng, now, campaign, teams, people):
        comms, reviewer = people[1], people[2]
        categories = {key: Category.objects.create(name=name) for key, name in [
            ("innovation", "Innovación · Innovation"), ("talent", "Talento · Talent"),
            ("customers", "Clientes · Customers")]}
        posts = []
        for index, item in enumerate(POSTS):
            publish_at = now - timedelta(days=58 - index * 3, hours=rng.randint(0, 8))
            content_type, category = self.classify(item, categories)
            post = Post.objects.create(
                title=item["title"], summary=item["summary"], url=item["url"], language=item["language"],
                content_type=content_type, category=category,
                hashtags=item["hashtags"], campaign=campaign if item.get("campaign") else None,
                publish_at=publish_at,
                expires_at=publish_at + timedelta(days=30) if index % 5 == 0 else None,
                created_by=comms, status=Post.Status.APPROVED,
            )
            if item.get("team"):
                post.target_teams.add(teams[item["team"]])
            for network, text in item["texts"].items():
                PostVariant.objects.create(post=post, network=network, text=text)
            PostTransition.objects.create(post=post, from_status=Post.Status.DRAFT,
                                          to_status=Post.Status.IN_REVIEW, by=comms, at=publish_at - timedelta(days=2))
            PostTransition.objects.create(post=post, from_status=Post.Status.IN_REVIEW,
                                          to_status=Post.Status.APPROVED, by=reviewer,
                                          at=publish_at - timedelta(days=1))
            posts.append(post)
        return posts

    def build_activity(self, rng, now, posts, advocates):
        networks = [Network.LINKEDIN, Network.LINKEDIN, Network.LINKEDIN, Network.X, Network.FACEBOOK,
                    Network.WHATSAPP]
        for person in advocates:
            eagerness = rng.uniform(0.1, 0.7)
            audiences = {a.network: a.followers for a in person.audiences.all()}
            for post in posts:
                if rng.random() > eagerness or post.publish_at > now:
                    continue
                network = rng.choice(networks)
                if Share.objects.filter(employee=person, post=post, network=network).exists():
                    continue
                latest = min(now, post.expires_at or now) - timedelta(minutes=10)
                span = max((latest - post.publish_at).total_seconds(), 60)
                shared_at = post.publish_at + timedelta(seconds=rng.uniform(0, min(span, 4 * 86400)))
                link = TrackedLink.objects.create(
                    code=new_link_code(), employee=person, post=post, network=network,
                    destination=destination_with_utm(post, network), created_at=shared_at,
                )
                share = Share.objects.create(
                    employee=person, post=post, network=network, team_id=person.profile.team_id,
                    text=post.text_for(network), potential_reach=audiences.get(network, 0), created_at=shared_at,
                )
                award_for_share(share)
                self.build_clicks(rng, now, link, shared_at, network)
                if network in (Network.LINKEDIN, Network.X, Network.FACEBOOK) and rng.random() < 0.6:
                    self.build_engagement(rng, now, share, audiences.get(network, 0))

    @staticmethod
    def build_engagement(rng, now, share, followers):
        """'I posted it' and the figures pulled since (engagement points included)."""
        from metrics.engagement import Figures, record_engagement
        from metrics.models import EngagementSnapshot

        post_id = str(rng.randint(10**18, 10**19 - 1))
        share.published_post_id = {
            Network.LINKEDIN: f"urn:li:share:{post_id}", Network.FACEBOOK: f"100{post_id[:6]}_{post_id}",
        }.get(share.network, post_id)
        share.published_url = {
            Network.LINKEDIN: f"https://www.linkedin.com/feed/update/{share.published_post_id}/",
            Network.X: f"https://x.com/demo/status/{post_id}",
            Network.FACEBOOK: f"https://www.facebook.com/permalink.php?story_fbid={post_id}&id=100{post_id[:6]}",
        }[share.network]
        share.published_at = share.created_at + timedelta(minutes=20)
        share.save(update_fields=["published_post_id", "published_url", "published_at"])
        impressions = None if share.network == Network.FACEBOOK else int(followers * rng.uniform(0.3, 2.5))
        seen_by = impressions or followers
        figures = Figures(impressions, int(seen_by * rng.uniform(0.005, 0.04)), int(seen_by * rng.uniform(0, 0.006)),
                          int(seen_by * rng.uniform(0, 0.004)))
        record_engagement(share, figures, EngagementSnapshot.Source.API,
                          fetched_at=min(now, share.created_at + timedelta(days=2)))

    def build_clicks(self, rng, now, link, shared_at, network):
        seen = set()
        clicks = []
        for _ in range(rng.randint(0, 18)):
            clicked_at = shared_at + timedelta(minutes=rng.expovariate(1 / 900))
            if clicked_at >= now:
                continue
            day = timezone.localdate(clicked_at)
            bot = rng.random() < 0.12
            agent = rng.choice(BOT_AGENTS if bot else HUMAN_AGENTS)
            ip = f"198.51.100.{rng.randint(1, 60)}"
            key = visitor_key(ip, agent, day)
            unique = not bot and (day, key) not in seen
            if unique:
                seen.add((day, key))
            clicks.append(Click(link=link, clicked_at=clicked_at, day=day, visitor_key=key, is_bot=bot,
                                is_unique=unique, referrer_domain=(REFERRERS.get(network) or "")[8:].strip("/")))
        Click.objects.bulk_create(clicks)
