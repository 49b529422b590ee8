"""The demo company's library and usage guide: written by us, in the voice of our users."""

GUIDE_TITLE = "Guía de uso de redes sociales / Social media usage guide"

GUIDE_BODY = """Por qué importa
Cuando compartes lo que hacemos, tu red ve a las personas detrás de la marca. Tu voz genera más confianza que cualquier anuncio. Esta guía existe para que lo hagas con tranquilidad.

Qué compartir y dónde
- Comparte las publicaciones aprobadas de la biblioteca; puedes adaptar el texto con tus palabras.
- LinkedIn para lo profesional, X para lo inmediato, Facebook e Instagram para la cultura y el día a día.
- Identifícate siempre como empleado cuando hables de la empresa (#Empleado).

Los riesgos
- Reputación: no publiques comentarios negativos sobre la empresa, clientes o compañeros; si algo te preocupa, háblalo por dentro.
- Confidencialidad: nunca compartas información interna, cifras no publicadas, clientes no anunciados ni situaciones laborales.
- Pérdida de control: lo que se publica se queda; piensa antes de responder en caliente.

Recomendaciones
- Sé tú mismo, con respeto y buena educación, como en cualquier otro canal.
- Aporta valor: comenta, añade tu experiencia, cita la fuente.
- Ante una crisis o una pregunta delicada, no respondas: avisa al equipo de comunicación.

---

Why it matters
When you share what we do, your network sees the people behind the brand. Your voice earns more trust than any advert. This guide is here so you can do it with confidence.

What to share and where
- Share the approved posts of the library; you may adapt the text in your own words.
- LinkedIn for professional news, X for what is happening now, Facebook and Instagram for culture and everyday life.
- Always say you work here when you talk about the company (#Employee).

The risks
- Reputation: do not post negative comments about the company, clients or colleagues; raise concerns internally.
- Confidentiality: never share internal information, unpublished figures, unannounced clients or workplace situations.
- Loss of control: what is posted stays; think before replying in the heat of the moment.

Recommendations
- Be yourself, respectful and polite, as on any other channel.
- Add value: comment, add your experience, credit the source.
- In a crisis or on a sensitive question, do not answer: tell the communications team."""


def _post(language, title, summary, slug, hashtags, linkedin, x, facebook, campaign=False, team=None):
    return {
        "language": language, "title": title, "summary": summary,
        "url": f"https://www.example.com/{'es/noticias' if language == 'es' else 'en/news'}/{slug}?ref=web",
        "hashtags": hashtags, "campaign": campaign, "team": team,
        "texts": {"linkedin": linkedin, "x": x, "facebook": facebook},
    }


POSTS = [
    _post("es", "Abrimos oficina en Valencia", "Nuevo espacio para 80 personas junto al puerto.", "oficina-valencia",
          "Acme Valencia",
          "Estrenamos oficina en Valencia: luz, mar y sitio para 80 personas más. ¿Te vienes?",
          "Nueva oficina en Valencia, con vistas al puerto.", "¡Ya tenemos casa en Valencia!"),
    _post("es", "Acme, entre las mejores empresas para trabajar", "Reconocimiento de Great Place to Work 2026.",
          "mejores-empresas", "GPTW",
          "Orgullosos de estar entre las mejores empresas para trabajar en 2026. El mérito es de todo el equipo.",
          "Entre las mejores empresas para trabajar en 2026.", "Un reconocimiento que es de todos."),
    _post("es", "Buscamos ingenieras e ingenieros de datos", "Cinco puestos en Madrid y en remoto.",
          "empleo-datos", "Empleo Datos",
          "Buscamos 5 personas para el equipo de datos, en Madrid o en remoto. ¿Conoces a alguien? Comparte.",
          "Buscamos ingenieros de datos (Madrid/remoto).", "¿Te gustan los datos? Te estamos buscando.", team="tech"),
    _post("es", "Así trabajamos la innovación abierta", "Tres proyectos con startups que ya están en producción.",
          "innovacion-abierta", "Innovación",
          "Tres proyectos con startups que ya están en producción. Así entendemos la innovación abierta.",
          "3 proyectos con startups, ya en producción.", "Innovar con otros es innovar mejor.", campaign=True),
    _post("es", "Voluntariado: 1.200 horas en 2026", "El equipo dedicó 1.200 horas a proyectos sociales.",
          "voluntariado-2026", "Voluntariado",
          "1.200 horas de voluntariado este año. Gracias a cada persona que ha participado.",
          "1.200 horas de voluntariado en 2026.", "Gracias por tantas horas dedicadas a los demás."),
    _post("es", "Nuevo informe: tendencias del sector 2027", "Nuestro análisis anual de tendencias.",
          "tendencias-2027", "Tendencias",
          "Ya está aquí nuestro informe de tendencias 2027: cinco claves que cambiarán el sector.",
          "Informe de tendencias 2027: 5 claves.", "Descarga nuestro informe de tendencias."),
    _post("es", "Hackathon de la Semana de la Innovación", "48 horas, 20 equipos, un ganador.", "hackathon",
          "Hackathon",
          "48 horas, 20 equipos y muchas ideas: así fue nuestro hackathon de la Semana de la Innovación.",
          "Así fue nuestro hackathon: 48 h, 20 equipos.", "¡Qué fin de semana de ideas!", campaign=True),
    _post("es", "Caso de éxito: un cliente del sector retail", "Cómo redujimos un 30 % sus tiempos de entrega.",
          "caso-retail", "CasoDeÉxito",
          "Cómo ayudamos a un cliente de retail a reducir un 30 % sus tiempos de entrega.",
          "Retail: -30 % en tiempos de entrega.", "Un proyecto del que estamos orgullosos.", team="sales"),
    _post("es", "Conciliación: jornada flexible para todos", "Nueva política de flexibilidad horaria.",
          "jornada-flexible", "Conciliación",
          "Desde este mes, jornada flexible para toda la plantilla. Porque la vida no cabe en un horario fijo.",
          "Jornada flexible para toda la plantilla.", "Más tiempo para lo que importa."),
    _post("es", "Nuestra IA ayuda a los equipos de soporte", "Presentamos el asistente para soporte.",
          "ia-soporte", "IA Innovación",
          "Presentamos el asistente de IA que ayuda a nuestros equipos de soporte a responder mejor y antes.",
          "Nuestro asistente de IA para soporte ya está aquí.", "La tecnología al servicio de las personas.",
          campaign=True),
    _post("en", "We are opening in Mexico City", "Our first office in Latin America.", "mexico-city",
          "Acme LATAM",
          "Big news: our first Latin American office opens in Mexico City next spring.",
          "Our first LATAM office opens in Mexico City.", "Hola, Ciudad de México!", team="sales"),
    _post("en", "2026 sustainability report", "Emissions down 22% year on year.", "sustainability-2026",
          "Sustainability",
          "Our 2026 sustainability report is out: emissions down 22% and 100% renewable power in our offices.",
          "Emissions down 22% in 2026.", "Proud of our progress on sustainability."),
    _post("en", "Meet our engineering team", "A day in the life of our engineers.", "meet-engineering",
          "LifeAtAcme",
          "What does a day in our engineering team look like? Our engineers tell it in their own words.",
          "A day in our engineering team.", "Meet the people who build our products.", team="tech"),
    _post("en", "Innovation Week keynote on demand", "Watch the opening keynote again.", "innovation-keynote",
          "Innovation",
          "Missed the Innovation Week keynote? It is now available on demand.",
          "Innovation Week keynote, now on demand.", "Watch it again!", campaign=True),
    _post("en", "We are hiring account executives", "Ten roles across Spain and LATAM.", "hiring-sales",
          "Hiring",
          "We are hiring 10 account executives across Spain and Latin America. Know someone great?",
          "Hiring 10 account executives (Spain & LATAM).", "Join our sales team!", team="sales"),
    _post("en", "Customer story: a bank goes paperless", "How a regional bank went fully digital.",
          "bank-paperless", "CustomerStory",
          "How a regional bank went 100% paperless in nine months, with our platform.",
          "A bank went paperless in 9 months.", "A great story from one of our customers."),
    _post("en", "Our mentoring programme turns five", "300 mentoring pairs so far.", "mentoring-five",
          "Mentoring",
          "Five years, 300 mentoring pairs. Our mentoring programme keeps growing.",
          "5 years of mentoring, 300 pairs.", "Happy birthday to our mentoring programme!"),
    _post("en", "Industry outlook: cloud costs in 2027", "What finance teams should plan for.", "cloud-costs",
          "Cloud",
          "Cloud costs in 2027: what finance teams should plan for, by our FinOps experts.",
          "Cloud costs in 2027: what to plan for.", "Our experts on cloud costs."),
    _post("en", "Innovation Week: the winning idea", "The hackathon winners on their project.", "winning-idea",
          "Innovation Hackathon",
          "Meet the Innovation Week hackathon winners and the idea that convinced the jury.",
          "The winning idea of our hackathon.", "Congratulations to the winners!", campaign=True),
    _post("en", "Friday fun: the office dog contest", "Vote for your favourite office dog.", "office-dogs",
          "FridayFun",
          "It is Friday, so here are the finalists of our office dog contest. Vote for your favourite!",
          "Office dog contest: vote now!", "Which one is your favourite?"),
]
