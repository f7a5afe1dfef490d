# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["lang-sv"]
# # Kommuner med familjefridsteam, och ärendestatistik före och efter
#
# **Frågorna:** (1) Fungerar arbetet mot våld bättre i kommuner med samordnare än i de två
# kommuner som i stället har ett familjefridsteam? (2) Syns samordnaren i ärendestatistiken?
#
# **Metoden:** två jämförelser. Den första ställer teamkommunerna mot kommunerna med samordnare,
# område för område, och visar vad teammodellen ger och vad den saknar. Den andra följer samma kommun
# över tid, före och efter att samordnaren började.

# %% [markdown] tags=["lang-en"]
# # Team-based municipalities, and case statistics before and after
#
# **The questions:** (1) Does the work against violence go better in municipalities with a
# coordinator than in the two that have a family-violence team instead? (2) Does the coordinator
# show in the case statistics?
#
# **The method:** two comparisons. The first sets the team municipalities against those with a
# coordinator, area by area, and shows what the team model gives and what it lacks. The second
# follows one municipality over time, before and after its coordinator started.

# %% tags=["parameters"]
study = None  # path of the study folder; None = the shipped Västmanland 2019 study
language = "en"  # "sv" or "en"
output_dir = None  # folder for tables and figures; None = show only
reveal_names = False  # show real municipality names (only if the study holds them)
partly_score = 0.5  # how much a 'partly' counts (yes = 1, no = 0)

# %%
from evalkit.analysis import case_statistics, comparison
from evalkit.notebook import open_chapter
from evalkit.present import figures

chapter = open_chapter(
    "03_comparison", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names
)

# %% [markdown] tags=["lang-sv"]
# ## Team mot samordnare, område för område
#
# Medelpoäng per kvalitetsområde för teamkommunerna och för kommunerna med samordnare, med antal
# kommuner och indikatorer bakom varje cell. Läs skillnaden med försiktighet: det är två
# teamkommuner, och för kommunerna med samordnare är flera av jämförelseindikatorerna
# rekonstruerade utifrån rapportens allmänna beskrivning av vad en samordnare tillför.

# %% [markdown] tags=["lang-en"]
# ## Team against coordinator, area by area
#
# Mean score per quality area for the team municipalities and for those with a coordinator, with the
# number of municipalities and indicators behind each cell. Read the difference with care: there are
# two team municipalities, and for the municipalities with a coordinator several of the comparison
# indicators are reconstructed from the report's general description of what a coordinator adds.

# %%
chapter.table(comparison.team_vs_coordinator(chapter.study, partly_score=partly_score), "team_vs_coordinator")

# %% [markdown] tags=["lang-sv"]
# ## Vad teammodellen ger och vad den saknar
#
# Teamkommunerna har en bred grundkunskap och hanterar våldsärenden systematiskt genom sitt team.
# Det de saknar är en person med spetskompetens, en kontaktpunkt för externa parter och kontinuitet
# på regionala möten.

# %% [markdown] tags=["lang-en"]
# ## What the team model gives and what it lacks
#
# The team municipalities have broad basic knowledge and handle violence cases systematically
# through their team. What they lack is a person with specialist knowledge, one contact point for
# external partners and continuity at regional meetings.

# %%
chapter.table(comparison.team_model_profile(chapter.study, partly_score=partly_score), "team_model_profile")

# %% [markdown] tags=["lang-sv"]
# ## Ärendestatistik före och efter samordnaren
#
# Statistik finns bara för två kommuner och några år. Den lodräta linjen markerar året samordnaren
# började. Startåret räknas varken till före eller efter, eftersom samordnaren bara fanns en del av
# året.

# %% [markdown] tags=["lang-en"]
# ## Case statistics before and after the coordinator
#
# Statistics exist for only two municipalities and a few years. The vertical line marks the year
# the coordinator started. The start year counts neither as before nor as after, since the
# coordinator was there for part of it only.

# %%
chapter.figures(
    figures.case_series_figures(chapter.study, language=chapter.language, reveal_names=chapter.reveal_names),
    "case_series",
)
chapter.table(case_statistics.before_after_summary(chapter.study), "before_after")

# %% [markdown] tags=["lang-sv"]
# ## Fanns ökningen redan före samordnaren?
#
# Rapportens viktigaste statistiska argument är negativt: om antalet ärenden ökade redan innan
# samordnaren kom kan en fortsatt ökning inte tillskrivas samordnaren. Här görs argumentet
# beräkningsbart: lutningen under åren före starten, och om en ökning redan pågick.

# %% [markdown] tags=["lang-en"]
# ## Was the increase already under way?
#
# The report's key statistical argument is a negative one: if case numbers were rising before the
# coordinator came, a continued rise cannot be credited to the coordinator. Here the argument is
# made computable: the slope over the years before the start, and whether a rise was already under
# way.

# %%
chapter.table(case_statistics.pre_existing_trend(chapter.study), "pre_existing_trend")

# %% [markdown] tags=["lang-sv"]
# ## En utforskande nivåförändringsmodell
#
# Som mest kan sex årsvärden bära en enkel modell: en linjär trend plus en nivåförändring efter
# starten. Konfidensintervallen är breda, och med tre värden går ingen osäkerhet att skatta alls.
# Modellen är **utforskande**: den visar hur lite data av det här slaget kan säga, inte att
# samordnaren hade en effekt.

# %% [markdown] tags=["lang-en"]
# ## An exploratory level-change model
#
# At most, six yearly values can carry a simple model: a linear trend plus a level change after the
# start. The confidence intervals are wide, and with three values no uncertainty can be estimated at
# all. The model is **exploratory**: it shows how little data of this kind can say, not that the
# coordinator had an effect.

# %%
chapter.table(case_statistics.level_change_model(chapter.study), "level_change_model")

# %% [markdown] tags=["lang-sv"]
# ## Fynd

# %% [markdown] tags=["lang-en"]
# ## Findings

# %%
chapter.findings()

# %% [markdown] tags=["lang-sv"]
# ## Begränsningar
#
# - Två teamkommuner är för få för en jämförelse i statistisk mening; jämförelsen beskriver.
# - Teamkommunerna är små; en del av skillnaden kan bero på storlek, inte på modell.
# - Ärendestatistiken mäter hur många ärenden som registreras, vilket påverkas av både kunskap
#   (man upptäcker mer) och registrering (man registrerar rätt). En ökning kan alltså vara ett gott
#   tecken utan att fler utsätts för våld.
# - Vilken kommun tabellerna gäller är rekonstruerat i standardstudien.
#
# ### Övningar
# 1. Titta på barn som bevittnat våld före och efter starten. Stämmer rapportens slutsats att
#    ökningen kom efter samordnaren? Vad säger åren 2013–2016?
# 2. Ta bort det första året i en serie (i en kopia av studien) och kör om trendtabellen. Hur
#    känslig är slutsatsen?
# 3. Vilka indikatorer skulle du vilja mäta i teamkommunerna för att jämförelsen skulle bli
#    rättvis?

# %% [markdown] tags=["lang-en"]
# ## Limits
#
# - Two team municipalities are too few for a comparison in the statistical sense; it describes.
# - The team municipalities are small; part of any difference may be size, not model.
# - Case statistics count cases registered, which depends on knowledge (more is detected) and on
#   registration (cases are recorded correctly). A rise can be a good sign without more people being
#   exposed to violence.
# - Which municipality the tables belong to is reconstructed in the default study.
#
# ### Exercises
# 1. Look at children who witnessed violence before and after the start. Does the report's
#    conclusion hold that the rise came after the coordinator? What do 2013–2016 say?
# 2. Drop the first year of a series (in a copy of the study) and re-run the trend table. How
#    sensitive is the conclusion?
# 3. Which indicators would you measure in the team municipalities to make the comparison fair?
