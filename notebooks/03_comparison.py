# ---
# jupyter:
#   jupytext:
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
# **Frågorna:** (1) Fungerar arbetet mot våld bättre i kommuner med samordnare än i kommuner som
# i stället har ett familjefridsteam? (2) Syns samordnaren i ärendestatistiken?
#
# **Metoden:** två jämförelser. Den första ställer teamkommunerna mot kommunerna med samordnare,
# indikator för indikator, och visar vad teammodellen ger och vad den saknar. Den andra följer samma kommun
# över tid, före och efter att samordnaren började.

# %% [markdown] tags=["lang-en"]
# # Team-based municipalities, and case statistics before and after
#
# **The questions:** (1) Does the work against violence go better in municipalities with a
# coordinator than in those that have a family-violence team instead? (2) Does the coordinator
# show in the case statistics?
#
# **The method:** two comparisons. The first sets the team municipalities against those with a
# coordinator, indicator by indicator, and shows what the team model gives and what it lacks. The second
# follows one municipality over time, before and after its coordinator started.

# %% tags=["parameters"]
study = None  # type: Optional[str] path of the study folder (None: the shipped Västmanland 2019 study)
language: str = "en"  # language of the text, tables and figures: "sv" or "en"
output_dir = None  # type: Optional[str] folder the tables (CSV) and figures (SVG) are also written to (None: only shown)
reveal_names: bool = False  # show real municipality names (only if the study holds them)
partly_score: float = 0.5  # in [0, 1]: how much a 'partly' counts, between no (0) and yes (1)

# %%
from evalkit.analysis import case_statistics, comparison
from evalkit.notebook import open_chapter
from evalkit.present import figures, narrative

chapter = open_chapter(
    "03_comparison", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names
)
chapter.commentary("introduction")

# %% [markdown] tags=["lang-sv"]
# ## Team mot samordnare, indikator för indikator
#
# Jämförelsen görs bara på indikatorer som har bedömts för båda grupperna. För varje sådan
# indikator: medelpoängen för teamkommunerna och för kommunerna med samordnare, också uppdelat på
# kommuner där samordnarfunktionen fungerar väl respektive dåligt, med antal kommuner bakom varje
# värde och hur många av värdena som är rekonstruerade. Läs skillnaden med försiktighet: grupperna
# är små.

# %% [markdown] tags=["lang-en"]
# ## Team against coordinator, indicator by indicator
#
# The comparison uses only indicators assessed for both groups. For each such indicator: the mean
# score of the team municipalities and of those with a coordinator, also split into
# municipalities where the coordinator function works well and where it works poorly, with the
# number of municipalities behind each value and how many of the values are reconstructed. Read
# the difference with care: the groups are small.

# %%
with chapter.part("team_comparison"):
    team_comparison = comparison.team_vs_coordinator(chapter.study, partly_score=partly_score)
    chapter.say(narrative.team_summary)
    chapter.say(narrative.comparison_reconstruction, team_comparison)
    chapter.commentary("team_vs_coordinator")
    chapter.table(team_comparison, "team_vs_coordinator")

# %% [markdown] tags=["lang-sv"]
# ## Vad teammodellen ger och vad den saknar
#
# Jämförelseindikatorerna bedömer teamkommunerna direkt: en indikator som i genomsnitt uppfylls
# minst till hälften räknas som något modellen *ger*, annars som något den *saknar*; utan kända
# värden är den *okänd*.

# %% [markdown] tags=["lang-en"]
# ## What the team model gives and what it lacks
#
# The comparison indicators assess the team municipalities directly: an indicator met at least
# half-way on average counts as something the model *gives*, otherwise as something it *lacks*;
# without known values it is *unknown*.

# %%
with chapter.part("team_comparison"):
    team_profile = comparison.team_model_profile(chapter.study, partly_score=partly_score)
    chapter.say(narrative.team_model_summary, team_profile)
    chapter.commentary("team_model")
    chapter.table(team_profile, "team_model_profile")

# %% [markdown] tags=["lang-sv"]
# ## Ärendestatistik före och efter samordnaren
#
# Den lodräta linjen markerar året samordnaren började. Startåret räknas varken till före eller
# efter, eftersom samordnaren bara fanns en del av året. Saknade årsvärden lämnas utanför.

# %% [markdown] tags=["lang-en"]
# ## Case statistics before and after the coordinator
#
# The vertical line marks the year the coordinator started. The start year counts neither as
# before nor as after, since the coordinator was there for part of it only. Missing yearly values
# are left out.

# %%
with chapter.part("case_statistics"):
    chapter.say(narrative.case_statistics_summary)
    chapter.commentary("case_statistics")
    chapter.figures(
        figures.case_series_figures(chapter.study, language=chapter.language, reveal_names=chapter.reveal_names),
        "case_series",
    )
    chapter.table(case_statistics.before_after_summary(chapter.study), "before_after")

# %% [markdown] tags=["lang-sv"]
# ## Fanns ökningen redan före samordnaren?
#
# Ett viktigt argument är negativt: om antalet ärenden ökade redan innan samordnaren kom kan en
# fortsatt ökning inte tillskrivas samordnaren. Här prövas argumentet: lutningen under åren före
# starten med sitt 95-procentiga konfidensintervall. Ligger intervallet över noll pågick en ökning
# redan; omfattar det noll går lutningen inte att skilja från slumpen, och då kan argumentet inte
# användas. Med två år före starten finns bara riktningen, ingen prövning. Bredvid står
# nivåförändringen vid starten ur modellen nedan, så att man ser vad argumentet skulle avfärda.

# %% [markdown] tags=["lang-en"]
# ## Was the increase already under way?
#
# One important argument is a negative one: if case numbers were rising before the coordinator
# came, a continued rise cannot be credited to the coordinator. Here the argument is tested: the
# slope over the years before the start with its 95% confidence interval. If the interval lies
# above zero, a rise was already under way; if it includes zero, the slope cannot be told from
# chance and the argument cannot be used. With two years before the start there is only the
# direction, no test. Beside it stands the level change at the start from the model below, so
# one sees what the argument would discount.

# %%
with chapter.part("pre_existing_trend"):
    chapter.commentary("pre_trend")
    trend = case_statistics.pre_existing_trend(chapter.study)
    chapter.table(
        trend[
            [
                "municipality_id",
                "measure",
                "start_year",
                "n_pre",
                "pre_slope",
                "pre_slope_ci_low",
                "pre_slope_ci_high",
                "pre_trend",
                "note",
                "level_change",
                "level_change_ci_low",
                "level_change_ci_high",
            ]
        ],
        "pre_existing_trend",
    )

# %% [markdown] tags=["lang-sv"]
# ## En utforskande nivåförändringsmodell
#
# En kort serie av årsvärden kan som mest bära en enkel modell: en linjär trend plus en
# nivåförändring efter starten. Konfidensintervallen är breda, och med tre årsvärden eller färre
# går ingen osäkerhet att skatta alls. Modellen är **utforskande**: den visar hur lite data av det
# här slaget kan säga, inte att samordnaren hade en effekt.

# %% [markdown] tags=["lang-en"]
# ## An exploratory level-change model
#
# A short series of yearly values can at most carry a simple model: a linear trend plus a level
# change after the start. The confidence intervals are wide, and with three yearly values or fewer
# no uncertainty can be estimated at all. The model is **exploratory**: it shows how little data
# of this kind can say, not that the coordinator had an effect.

# %%
with chapter.part("level_change_model"):
    chapter.say(narrative.longest_series)
    chapter.commentary("level_change")
    chapter.table(case_statistics.level_change_model(chapter.study), "level_change_model")

# %% [markdown] tags=["lang-sv"]
# ## Resultat i kapitlet

# %% [markdown] tags=["lang-en"]
# ## Findings in this chapter

# %%
chapter.findings()
chapter.commentary("findings")

# %% [markdown] tags=["lang-sv"]
# ## Begränsningar
#
# - Ärendestatistiken mäter hur många ärenden som registreras, vilket påverkas av både kunskap
#   (man upptäcker mer) och registrering (man registrerar rätt). En ökning kan alltså vara ett gott
#   tecken utan att fler utsätts för våld.

# %% [markdown] tags=["lang-en"]
# ## Limits
#
# - Case statistics count cases registered, which depends on knowledge (more is detected) and on
#   registration (cases are recorded correctly). A rise can be a good sign without more people being
#   exposed to violence.

# %%
chapter.say(narrative.comparison_limits)
chapter.commentary("limits")

# %% [markdown] tags=["lang-sv"]
# ### Övningar
# 1. Välj en serie och jämför åren före och efter starten. Började ökningen före eller efter att
#    samordnaren kom?
# 2. Ta bort det första året i en serie (i en kopia av studien) och kör om trendtabellen. Hur
#    känslig är slutsatsen?
# 3. Vilka indikatorer skulle du vilja mäta i teamkommunerna för att jämförelsen skulle bli
#    rättvis?

# %% [markdown] tags=["lang-en"]
# ### Exercises
# 1. Pick a series and compare the years before and after the start. Did the rise begin before or
#    after the coordinator came?
# 2. Drop the first year of a series (in a copy of the study) and re-run the trend table. How
#    sensitive is the conclusion?
# 3. Which indicators would you measure in the team municipalities to make the comparison fair?

# %%
chapter.commentary("exercises")
