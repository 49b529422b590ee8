"""The demo company's library and usage guide: written by us, in the voice of our users."""

GUIDE_TITLE = "Guía de uso de redes sociales / Social media usage guide"

GUIDE_BODY = """## Por qué importa

Clientes, candidatos y proveedores hablan con personas, no con logotipos. Cuando compartes lo que hacemos, tu red ve a las personas que hay detrás de la empresa.

- **Confiamos más en las personas que en las marcas.** Según algunos estudios, más gente confía en un empleado como tú (54 %) que en un director general (47 %), y todavía más (68 %) en un experto técnico de la empresa.
- **Eres nuestro mejor embajador.** Tu voz transmite nuestros valores de forma más creíble que cualquier anuncio.
- **Tu red llega adonde no llega la página de la empresa.** Tienes contactos y seguidores que la empresa no tiene, y quizá estás en redes donde la marca no está. Si diez compañeros comparten una noticia, su alcance se multiplica: es el boca a boca de siempre.
- **También es bueno para ti.** Compartir con criterio te da visibilidad y credibilidad como profesional de tu campo.

## Qué compartir y dónde

- **Empieza por la biblioteca.** Sus publicaciones ya están revisadas y aprobadas: puedes compartirlas con un clic.
- **Dilo con tus palabras.** Adapta el texto: cuenta por qué te interesa o qué aportaste tú. Cambia el tono y la longitud, pero no los hechos: no inventes cifras, fechas ni promesas.
- **Aporta valor.** Comparte lo que de verdad pueda servir a tu red y cita la fuente cuando el contenido no sea tuyo.
- **Identifícate siempre.** Cuando hables de la empresa, añade **#EmpleadoAcme** para que quien te lea sepa que trabajas aquí. Es una cuestión de transparencia.
- **Hashtags con moderación.** El de la campaña y #EmpleadoAcme suelen bastar; nunca más de cinco.

Cada red tiene su público:

- **LinkedIn:** lo profesional: noticias de la empresa, ofertas de empleo, informes y casos de clientes.
- **X y Bluesky:** lo inmediato, en pocas palabras.
- **Facebook e Instagram:** la cultura y el día a día: las personas, los equipos, los logros.
- **WhatsApp, Telegram y correo:** solo para quien sepas que le interesa (por ejemplo, una oferta de empleo para un conocido). Nada de cadenas.

## Los riesgos

- **Reputación.** Lo que publicas también habla de la empresa. No publiques comentarios negativos sobre la empresa, los clientes, los proveedores o tus compañeros: si algo te preocupa, háblalo dentro. Cuida las formas como lo harías por teléfono o por correo.
- **Confidencialidad.** Nunca compartas información interna: cifras no publicadas, resultados antes de que se anuncien, clientes no anunciados, proyectos, temas de reuniones, situaciones laborales ni nombres en clave como **Proyecto Halcón**. La plataforma bloquea los términos confidenciales que conoce, pero la responsabilidad es tuya: ante la duda, no lo publiques y pregunta.
- **Pérdida de control.** Hoy todo puede hacerse público, incluso un mensaje privado: basta una captura de pantalla. Lo que publicas se queda. Piensa antes de publicar y nunca respondas en caliente.

## Seis recomendaciones para tus perfiles

1. **No mezcles contactos de trabajo con amigos.** Decide qué red usas para lo profesional y cuál para tu vida privada, o separa a unos y otros con listas y audiencias.
2. **Cuida cómo presentas a la empresa.** Tu cargo, tu descripción y lo que cuentas de nosotros deben ser correctos y estar al día.
3. **Evita publicaciones de carácter personal** en tu perfil profesional: tu vida privada, para tu círculo privado.
4. **Ten cuidado con lo que publicas sobre otras personas.** Pide permiso antes de etiquetar o subir fotos de compañeros o de tu equipo, y no comentes su trabajo ni su situación.
5. **Verifica tus contactos.** Acepta solo a personas que conozcas o cuya identidad puedas comprobar, y desconfía de los perfiles que te piden información.
6. **Usa siempre las opciones de privacidad.** Revisa quién ve tus publicaciones, tus datos y tus fotos.

## Crisis y preguntas delicadas

- Si alguien te pregunta por un tema delicado (una queja, una noticia negativa, un despido, un rumor) o ves que se está formando una crisis, **no respondas** ni discutas, ni siquiera para defender a la empresa.
- **Avisa al equipo de comunicación** con el enlace o una captura: ellos responden en nombre de la empresa.
- No eres portavoz de la empresa: si un periodista te contacta, derívalo al equipo de comunicación.
- A una pregunta sencilla con respuesta pública (dónde ver una oferta de empleo, por ejemplo) sí puedes contestar, con el enlace oficial.
- Si te equivocas y publicas algo que no debías, bórralo y avisa cuanto antes al equipo de comunicación.

## Participación voluntaria y transparente

- **Participar es voluntario.** Nadie te obligará a compartir nada. Comparte solo lo que de verdad te guste: una publicación forzada no convence a nadie. Y que las redes no se interpongan en tu trabajo.
- **Puedes salir cuando quieras** con el botón «Salir del programa» de tu panel. Tu historial se conserva para los totales de la empresa, pero dejas de aparecer en las clasificaciones públicas. Puedes volver cuando quieras.
- **Qué medimos.** La empresa cuenta las veces que compartes y los clics en tus enlaces con seguimiento (cada enlace es único para ti, la publicación y la red). Si pegas el enlace de tu publicación, recogemos también sus reacciones, comentarios y veces que se ha compartido, y usamos tu número de seguidores para calcular el alcance. Con todo ello se calculan tus puntos y las clasificaciones. Solo medimos lo que compartes desde la plataforma, y de quien hace clic no guardamos la dirección IP.
- **Firmas esta guía** antes de compartir; cuando cambie, te pediremos que vuelvas a leerla y firmarla.
- **¿Dudas?** Haz las cápsulas de formación (básica, intermedia y avanzada) o pregunta al equipo de comunicación.

---

## Why it matters

Customers, candidates and suppliers talk to people, not to logos. When you share what we do, your network sees the people behind the company.

- **People trust people more than brands.** According to some studies, more people trust a regular employee like you (54%) than a CEO (47%), and even more (68%) trust one of the company's technical experts.
- **You are our best ambassador.** Your voice carries our values more credibly than any advert.
- **Your network reaches where the company page does not.** You have contacts and followers the company does not have, and you may be on networks where the brand is not. When ten colleagues share a piece of news, its reach multiplies: good old word of mouth.
- **It is good for you too.** Sharing thoughtfully gives you visibility and credibility as a professional in your field.

## What to share and where

- **Start with the library.** Its posts have already been reviewed and approved: you can share them in one click.
- **Say it in your own words.** Adapt the text: say why it interests you or what you contributed. Change the tone and the length, but not the facts: do not make up figures, dates or promises.
- **Add value.** Share what can really help your network, and credit the source when the content is not yours.
- **Always identify yourself.** When you talk about the company, add **#EmpleadoAcme** so your readers know you work here. It is a matter of transparency.
- **Hashtags in moderation.** The campaign's hashtag and #EmpleadoAcme are usually enough; never more than five.

Each network has its audience:

- **LinkedIn:** professional news: company announcements, job openings, reports and customer stories.
- **X and Bluesky:** what is happening now, in a few words.
- **Facebook and Instagram:** culture and everyday life: the people, the teams, the achievements.
- **WhatsApp, Telegram and email:** only for someone you know will be interested (a job opening for an acquaintance, for example). No chain messages.

## The risks

- **Reputation.** What you post also speaks for the company. Do not post negative comments about the company, customers, suppliers or colleagues: if something worries you, raise it internally. Mind your manners as you would on the phone or by email.
- **Confidentiality.** Never share internal information: unpublished figures, results before they are announced, unannounced customers, projects, what was discussed in meetings, workplace situations or code names such as **Project Falcon**. The platform blocks the confidential terms it knows, but the responsibility is yours: when in doubt, do not post it, and ask.
- **Loss of control.** Today anything can become public, even a private message: a screenshot is all it takes. What you post stays. Think before you post, and never reply in the heat of the moment.

## Six recommendations for your profiles

1. **Do not mix work contacts with friends.** Decide which network is for your professional life and which for your private life, or keep them apart with lists and audiences.
2. **Be careful how you present the company.** Your job title, your description and what you say about us should be accurate and up to date.
3. **Avoid personal posts** on your professional profile: keep your private life for your private circle.
4. **Be careful with posts about other people.** Ask before tagging colleagues or members of your team or posting photos of them, and do not comment on their work or their situation.
5. **Verify your contacts.** Only accept people you know or whose identity you can check, and be wary of profiles that ask you for information.
6. **Always use the privacy settings.** Check who can see your posts, your details and your photos.

## Crises and delicate questions

- If someone asks you about a delicate matter (a complaint, bad news, a dismissal, a rumour) or you see a crisis building up, **do not answer** and do not argue, not even to defend the company.
- **Tell the communications team**, with the link or a screenshot: they answer on the company's behalf.
- You are not a company spokesperson: if a journalist contacts you, refer them to the communications team.
- You may answer a simple question whose answer is public (where to find a job opening, for example) with the official link.
- If you make a mistake and post something you should not have, delete it and tell the communications team as soon as possible.

## Voluntary and transparent participation

- **Taking part is voluntary.** Nobody will make you share anything. Share only what you really like: a forced post convinces no one. And do not let social media get in the way of your work.
- **You can leave at any time** with the "Leave the program" button on your dashboard. Your history is kept for the company's totals, but you no longer appear on public leaderboards. You can come back whenever you like.
- **What we measure.** The company counts your shares and the clicks on your tracked links (each link is unique to you, the post and the network). If you paste the link to your published post, we also collect its reactions, comments and reshares, and we use your follower count to work out reach. Your points and the leaderboards are calculated from all this. We only measure what you share from the platform, and we never store the IP address of the people who click.
- **You sign this guide** before you share; when it changes, we will ask you to read and sign it again.
- **Questions?** Take the training capsules (basic, intermediate and advanced) or ask the communications team."""

# Training capsules: short lessons by level, each in Spanish and in English with the same quiz
# (same questions, same order, same correct answers). The body is Markdown, like the guide.
CAPSULES = [
    {
        "level": "basic",
        "language": "es",
        "title": "Básico: por qué compartir y las reglas esenciales",
        "summary": "Por qué tu voz cuenta y las cuatro reglas que conviene conocer antes de compartir.",
        "body": """## Por qué tu voz cuenta

La gente confía más en las personas que en las marcas. Cuando compartes una noticia de la empresa, llega a contactos y seguidores que la página corporativa no alcanza, y llega con tu credibilidad. Por eso los empleados son los mejores embajadores de una empresa.

## Cuatro reglas esenciales

1. **Es voluntario.** Nadie te obligará a compartir nada. Puedes salir del programa cuando quieras con el botón «Salir del programa» de tu panel.
2. **Identifícate.** Cuando hables de la empresa, añade **#EmpleadoAcme**: quien te lee tiene derecho a saber que trabajas aquí.
3. **Lo confidencial no se comparte.** Nada de cifras no publicadas, clientes no anunciados ni nombres en clave de proyectos internos como **Proyecto Halcón**. Ante la duda, no lo publiques.
4. **Empieza por la biblioteca.** Sus publicaciones ya están aprobadas; puedes adaptar el texto con tus palabras.

## Si algo se complica

Si alguien te hace una pregunta delicada sobre la empresa o ves que se está formando una crisis, no respondas: avisa al equipo de comunicación.

## Lo que medimos

La empresa cuenta las veces que compartes y los clics en tus enlaces con seguimiento. Solo medimos lo que compartes desde la plataforma, no el resto de lo que publicas en tus redes.

Lee la [guía de uso](/guide/) completa antes de tu primera publicación: tendrás que firmarla para empezar a compartir.""",
        "video_url": "",
        "pass_mark": 70,
        "questions": [
            {"text": "¿Qué hashtag debes añadir cuando hablas de la empresa?",
             "choices": ["#Acme", "#EmpleadoAcme", "#TrabajoEnAcme"], "correct": 1},
            {"text": "¿Puedes compartir una publicación que menciona el Proyecto Halcón?",
             "choices": ["No: es el nombre en clave de un proyecto interno y es confidencial",
                         "Sí, si tus compañeros ya lo conocen", "Sí, pero solo en LinkedIn"], "correct": 0},
            {"text": "¿Es obligatorio participar en el programa?",
             "choices": ["Sí, hay que compartir al menos una publicación al mes", "Solo durante las campañas",
                         "No: es voluntario y puedes salir cuando quieras"], "correct": 2},
            {"text": "Alguien te hace una pregunta delicada sobre la empresa en tus redes. ¿Qué haces?",
             "choices": ["Respondes enseguida para defender a la empresa",
                         "No respondes y avisas al equipo de comunicación", "Le contestas por mensaje privado"],
             "correct": 1},
            {"text": "¿Qué mide la empresa?",
             "choices": ["Todo lo que publicas en tus redes personales", "Nada en absoluto",
                         "Las veces que compartes y los clics en tus enlaces con seguimiento"], "correct": 2},
        ],
    },
    {
        "level": "basic",
        "language": "en",
        "title": "Basic: why share, and the essential rules",
        "summary": "Why your voice counts, and the four rules to know before you share.",
        "body": """## Why your voice counts

People trust people more than brands. When you share a piece of company news, it reaches contacts and followers the corporate page cannot reach, and it carries your credibility. That is why employees are a company's best ambassadors.

## Four essential rules

1. **It is voluntary.** Nobody will make you share anything. You can leave the program at any time with the "Leave the program" button on your dashboard.
2. **Identify yourself.** When you talk about the company, add **#EmpleadoAcme**: your readers have a right to know you work here.
3. **Confidential stays confidential.** No unpublished figures, no unannounced customers and no code names of internal projects such as **Project Falcon**. When in doubt, do not post it.
4. **Start with the library.** Its posts are already approved; you can adapt the text in your own words.

## If things get tricky

If someone asks you a delicate question about the company, or you see a crisis building up, do not answer: tell the communications team.

## What we measure

The company counts your shares and the clicks on your tracked links. We only measure what you share from the platform, not anything else you post on your networks.

Read the full [usage guide](/guide/) before your first post: you will need to sign it to start sharing.""",
        "video_url": "",
        "pass_mark": 70,
        "questions": [
            {"text": "Which hashtag should you add when you talk about the company?",
             "choices": ["#Acme", "#EmpleadoAcme", "#WorkAtAcme"], "correct": 1},
            {"text": "Can you share a post that mentions Project Falcon?",
             "choices": ["No: it is the code name of an internal project, and it is confidential",
                         "Yes, if your colleagues already know about it", "Yes, but only on LinkedIn"], "correct": 0},
            {"text": "Do you have to take part in the program?",
             "choices": ["Yes, you must share at least one post a month", "Only during campaigns",
                         "No: it is voluntary and you can leave at any time"], "correct": 2},
            {"text": "Someone asks you a delicate question about the company on your networks. What do you do?",
             "choices": ["Answer straight away to defend the company",
                         "Do not answer, and tell the communications team", "Answer them in a private message"],
             "correct": 1},
            {"text": "What does the company measure?",
             "choices": ["Everything you post on your personal networks", "Nothing at all",
                         "Your shares and the clicks on your tracked links"], "correct": 2},
        ],
    },
    {
        "level": "intermediate",
        "language": "es",
        "title": "Intermedio: haz tuya cada publicación",
        "summary": "Cómo adaptar una publicación aprobada con tus palabras, al tono de cada red y en el momento adecuado.",
        "body": """## Añade tu voz

Una publicación copiada tal cual pasa desapercibida; una con tu opinión se lee. Antes de compartir, añade una o dos frases tuyas: por qué te interesa, qué has aprendido o qué aportaste tú. Cambia el tono y la longitud, pero no los hechos: no inventes cifras, fechas ni promesas que no estén en la publicación original.

## Cada red, su tono

- **LinkedIn:** lo profesional (noticias de la empresa, ofertas de empleo, informes del sector, casos de clientes). Tono cuidado; puedes extenderte un poco y contar tu experiencia.
- **X y Bluesky:** una sola idea, en pocas palabras. En X caben 280 caracteres y el enlace cuenta como 23.
- **Facebook e Instagram:** la cultura y las personas, con un tono más cercano.
- **WhatsApp, Telegram y correo:** solo para quien sepas que le interesa, con un mensaje personal.

## Hashtags con moderación

Los hashtags ayudan a encontrar una conversación, pero demasiados hacen que tu texto parezca un anuncio. Usa el de la campaña y **#EmpleadoAcme**, y nunca más de cinco.

## Elige el momento

- **Comparte mientras la noticia es actual:** las publicaciones de la biblioteca caducan.
- **Poco y a menudo:** espacia lo que compartes en lugar de publicar diez cosas de golpe el mismo día; así no saturas a tu red.
- **Piensa en quién te lee:** si tus contactos están en otro país, ten en cuenta su huso horario.
- **Que no se interponga en tu trabajo:** compartir lleva un minuto; no hace falta hacerlo en mitad de una reunión.""",
        "video_url": "",
        "pass_mark": 75,
        "questions": [
            {"text": "¿Qué convierte una publicación de la biblioteca en tuya?",
             "choices": ["Copiarla tal cual", "Añadir una o dos frases con tu opinión o tu experiencia",
                         "Añadirle muchos hashtags"], "correct": 1},
            {"text": "Al adaptar el texto, ¿qué no debes cambiar?",
             "choices": ["Los hechos: no inventes cifras, fechas ni promesas", "El tono", "La longitud"],
             "correct": 0},
            {"text": "¿Qué red es la más adecuada para una oferta de empleo o un informe del sector?",
             "choices": ["Instagram", "Un grupo de WhatsApp de amigos", "LinkedIn"], "correct": 2},
            {"text": "¿Cuántos hashtags recomienda esta cápsula?",
             "choices": ["Cuantos más, mejor", "El de la campaña y #EmpleadoAcme, y nunca más de cinco",
                         "Ninguno"], "correct": 1},
            {"text": "¿Cuál es la mejor forma de repartir lo que compartes?",
             "choices": ["Poco y a menudo, espaciando las publicaciones", "Diez publicaciones de golpe el mismo día",
                         "Solo cuando las publicaciones están a punto de caducar"], "correct": 0},
        ],
    },
    {
        "level": "intermediate",
        "language": "en",
        "title": "Intermediate: make every post your own",
        "summary": "How to adapt an approved post in your own words, to each network's tone, at the right moment.",
        "body": """## Add your voice

A post copied word for word goes unnoticed; one with your opinion gets read. Before you share, add a sentence or two of your own: why it interests you, what you learned or what you contributed. Change the tone and the length, but not the facts: do not make up figures, dates or promises that are not in the original post.

## Each network, its tone

- **LinkedIn:** professional news (company announcements, job openings, industry reports, customer stories). A careful tone; you can write a little more and tell your own experience.
- **X and Bluesky:** a single idea, in a few words. X allows 280 characters, and the link counts as 23.
- **Facebook and Instagram:** culture and people, in a warmer tone.
- **WhatsApp, Telegram and email:** only for someone you know will be interested, with a personal message.

## Hashtags in moderation

Hashtags help people find a conversation, but too many make your text look like an advert. Use the campaign's hashtag and **#EmpleadoAcme**, and never more than five.

## Pick your moment

- **Share while the news is fresh:** the library's posts expire.
- **Little and often:** space out what you share instead of posting ten things at once on the same day; that way you do not flood your network.
- **Think about who reads you:** if your contacts are in another country, keep their time zone in mind.
- **Do not let it get in the way of your work:** sharing takes a minute; there is no need to do it in the middle of a meeting.""",
        "video_url": "",
        "pass_mark": 75,
        "questions": [
            {"text": "What makes a post from the library your own?",
             "choices": ["Copying it word for word", "Adding a sentence or two with your opinion or experience",
                         "Adding lots of hashtags"], "correct": 1},
            {"text": "When you adapt the text, what must you not change?",
             "choices": ["The facts: do not make up figures, dates or promises", "The tone", "The length"],
             "correct": 0},
            {"text": "Which network suits a job opening or an industry report best?",
             "choices": ["Instagram", "A WhatsApp group of friends", "LinkedIn"], "correct": 2},
            {"text": "How many hashtags does this capsule recommend?",
             "choices": ["The more the better", "The campaign's hashtag and #EmpleadoAcme, and never more than five",
                         "None"], "correct": 1},
            {"text": "What is the best way to spread out what you share?",
             "choices": ["Little and often, spacing out your posts", "Ten posts at once on the same day",
                         "Only when the posts are about to expire"], "correct": 0},
        ],
    },
    {
        "level": "advanced",
        "language": "es",
        "title": "Avanzado: tu marca profesional, los comentarios y las crisis",
        "summary": "Cómo construir tu reputación profesional en las redes y qué hacer ante comentarios, críticas y crisis.",
        "body": """## Tu marca profesional

Cada empleado es experto en algo. Compartir lo que sabes de tu campo (un aprendizaje, un proyecto ya público, una buena lectura con su fuente) te da visibilidad y credibilidad. Según algunos estudios, casi el 86 % de los empleados que participan en un programa formal dice que tuvo un efecto positivo en su carrera.

- **Sé constante y coherente:** mejor poco y con regularidad que mucho de golpe, y siempre sobre los temas que dominas.
- **Cuida tu perfil:** cargo correcto y una descripción al día, coherente con lo que compartes.
- **Aporta valor, no solo noticias de la empresa:** combínalas con tu experiencia y con lo que pasa en tu sector.
- **Sé tú mismo, con respeto:** las mismas normas de educación que por teléfono o por correo.

## Comentarios: qué responder y qué no

- **Agradecimientos y preguntas sencillas con respuesta pública** (dónde ver una oferta de empleo ya publicada, por ejemplo): puedes responder, con el enlace oficial.
- **Críticas y quejas:** no discutas ni te lo tomes como algo personal, y no des explicaciones en nombre de la empresa. Avisa al equipo de comunicación.
- **Temas delicados o una crisis** (una noticia negativa, un rumor, un despido, un accidente): no respondas, ni siquiera para defender a la empresa. Avisa al equipo de comunicación con el enlace o una captura.

## No eres portavoz

Si un periodista te escribe, no le des tu versión: derívalo al equipo de comunicación, que es quien habla en nombre de la empresa.

## Si te equivocas

Hoy todo puede hacerse público, incluso un mensaje privado. Si publicas algo que no debías (una cifra no publicada, un nombre en clave), bórralo y avisa cuanto antes al equipo de comunicación: cuanto antes se sabe, más fácil es arreglarlo.""",
        "video_url": "",
        "pass_mark": 80,
        "questions": [
            {"text": "¿Qué construye mejor tu marca profesional?",
             "choices": ["Compartir tu conocimiento con constancia y coherencia",
                         "Publicar muchas veces al día sobre cualquier tema",
                         "Compartir solo noticias de la empresa, sin añadir nada"], "correct": 0},
            {"text": "Un cliente critica a la empresa en los comentarios de tu publicación. ¿Qué haces?",
             "choices": ["Le explicas en público qué falló", "No discutes y avisas al equipo de comunicación",
                         "Le respondes con ironía"], "correct": 1},
            {"text": "Un periodista te escribe para preguntarte por un rumor sobre la empresa. ¿Qué haces?",
             "choices": ["Le cuentas lo que sabes, sin que te cite", "Publicas tu versión en LinkedIn",
                         "Lo derivas al equipo de comunicación: no eres portavoz"], "correct": 2},
            {"text": "Te das cuenta de que has publicado una cifra que no era pública. ¿Qué haces?",
             "choices": ["La borras y avisas cuanto antes al equipo de comunicación",
                         "Esperas a ver si alguien se da cuenta", "Publicas otra cifra para compensar"],
             "correct": 0},
            {"text": "Alguien pregunta en un comentario dónde puede ver una oferta de empleo ya publicada. ¿Qué haces?",
             "choices": ["No respondes nunca a ningún comentario", "Le pides que te escriba por privado",
                         "Puedes responder con el enlace oficial"], "correct": 2},
        ],
    },
    {
        "level": "advanced",
        "language": "en",
        "title": "Advanced: your professional brand, comments and crises",
        "summary": "How to build your professional reputation on social media, and what to do about comments, criticism and crises.",
        "body": """## Your professional brand

Every employee is an expert in something. Sharing what you know about your field (a lesson learned, a project that is already public, a good read with its source) gives you visibility and credibility. According to some studies, almost 86% of employees who take part in a formal program say it had a positive effect on their careers.

- **Be consistent and coherent:** little and regularly beats a lot at once, and always on the topics you know well.
- **Look after your profile:** an accurate job title and an up-to-date description, consistent with what you share.
- **Add value, not just company news:** combine it with your own experience and with what is happening in your industry.
- **Be yourself, respectfully:** the same good manners as on the phone or by email.

## Comments: what to answer and what not to

- **Thanks and simple questions whose answer is public** (where to find a job opening that has already been published, for example): you may answer, with the official link.
- **Criticism and complaints:** do not argue or take it personally, and do not give explanations on the company's behalf. Tell the communications team.
- **Delicate matters or a crisis** (bad news, a rumour, a dismissal, an accident): do not answer, not even to defend the company. Tell the communications team, with the link or a screenshot.

## You are not a spokesperson

If a journalist writes to you, do not give them your version: refer them to the communications team, who speak on the company's behalf.

## If you make a mistake

Today anything can become public, even a private message. If you post something you should not have (an unpublished figure, a code name), delete it and tell the communications team as soon as possible: the sooner they know, the easier it is to fix.""",
        "video_url": "",
        "pass_mark": 80,
        "questions": [
            {"text": "What builds your professional brand best?",
             "choices": ["Sharing your knowledge consistently and coherently",
                         "Posting many times a day about anything",
                         "Sharing only company news, without adding anything"], "correct": 0},
            {"text": "A customer criticises the company in the comments on your post. What do you do?",
             "choices": ["Explain in public what went wrong", "Do not argue, and tell the communications team",
                         "Reply with irony"], "correct": 1},
            {"text": "A journalist writes to ask you about a rumour about the company. What do you do?",
             "choices": ["Tell them what you know, off the record", "Post your version on LinkedIn",
                         "Refer them to the communications team: you are not a spokesperson"], "correct": 2},
            {"text": "You realise you have posted a figure that was not public. What do you do?",
             "choices": ["Delete it and tell the communications team as soon as possible",
                         "Wait and see whether anyone notices", "Post another figure to make up for it"],
             "correct": 0},
            {"text": "Someone asks in a comment where they can find a job opening that has already been published. "
                     "What do you do?",
             "choices": ["Never answer any comment", "Ask them to message you privately",
                         "You may answer with the official link"], "correct": 2},
        ],
    },
]


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
