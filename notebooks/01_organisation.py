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
# # Hur samordnarfunktionen är organiserad
#
# **Frågan:** Hur har kommunerna organiserat arbetet mot våld i nära relationer: hur stora är
# tjänsterna, vad fyller samordnarna dem med, var sitter de och med vilket mandat?
#
# **Varför underlaget svarar på frågan:** organisationen är fakta som samordnarna själva lämnar i
# enkäten (tjänstgöringsgrad, tidsfördelning, placering) och som bekräftas i intervjuerna med
# chefer. Det är den minst tolkade delen av utvärderingen, och den behövs för att förstå resten:
# kapitel 3 i rapporten förklarar skillnaderna i resultat med just organiseringen.

# %% [markdown] tags=["lang-en"]
# # How the coordinator function is organised
#
# **The question:** How have the municipalities organised their work against violence in close
# relationships: how large are the posts, what do coordinators fill them with, where are they
# placed and with what mandate?
#
# **Why the evidence answers it:** organisation consists of facts the coordinators give in the
# survey (share of post, time split, placement), confirmed in the interviews with managers. It is
# the least interpreted part of the evaluation, and the rest needs it: the report explains the
# differences in results by exactly this organisation.

# %% tags=["parameters"]
study = None  # path of the study folder; None = the shipped Västmanland 2019 study
language = "en"  # "sv" or "en"
output_dir = None  # folder for tables and figures; None = show only
reveal_names = False  # show real municipality names (only if the study holds them)

# %%
from evalkit.analysis import organisation
from evalkit.notebook import open_chapter
from evalkit.present import figures

chapter = open_chapter(
    "01_organisation", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names
)

# %% [markdown] tags=["lang-sv"]
# ## Tjänsterna
#
# En rad per samordnare. En samordnare som arbetar i flera kommuner har en tjänst som delas
# mellan dem; andelen per kommun visas i nästa tabell. Heltid betyder 100 procent.

# %% [markdown] tags=["lang-en"]
# ## The posts
#
# One row per coordinator. A coordinator working in several municipalities has one post split
# between them; the share per municipality is in the next table. Full time means 100 percent.

# %%
chapter.table(organisation.posts_by_coordinator(chapter.study), "posts_by_coordinator")

# %%
chapter.table(organisation.posts_by_municipality(chapter.study), "posts_by_municipality")

# %% [markdown] tags=["lang-sv"]
# ## Vad tiden går till
#
# Enkätens fråga 3 delar tjänsten i samordning på strategisk nivå, samordning på individnivå,
# direkt klientarbete och annat. I Västmanlandsstudien är de enskilda svaren inte publicerade; de
# värden som visas här är rekonstruerade för att illustrera analysen och får inte citeras som
# resultat. Med en egen enkät är det här den mest informativa figuren i kapitlet.

# %% [markdown] tags=["lang-en"]
# ## Where the time goes
#
# Survey question 3 splits the post into coordination at strategic level, coordination at
# individual level, direct client work and other work. In the Västmanland study the individual
# answers are not published; the values shown here are reconstructed to illustrate the analysis
# and must not be cited as results. With a survey of your own this is the chapter's most
# informative figure.

# %%
time_split = organisation.time_split(chapter.study)
chapter.figure(figures.time_split_figure(time_split, chapter.study, language=chapter.language), "time_split")
chapter.table(organisation.time_split(chapter.study, wide=True), "time_split")

# %% [markdown] tags=["lang-sv"]
# ## Placering, kombination, roll och mandat
#
# Rapporten pekar ut fyra organisatoriska drag som avgör om samordnaren når socialtjänstens
# vardag: var tjänsten är placerad, vad den kombineras med (handläggning eller andra strategiska
# uppgifter), om rollen är operativ eller rent strategisk, och om samordnaren sitter i
# chefsgruppen. Expertteam per kommun hämtas från villkorstabellen.

# %% [markdown] tags=["lang-en"]
# ## Placement, combination, role and mandate
#
# The report singles out four organisational features that decide whether a coordinator reaches
# the daily work of the social services: where the post is placed, what it is combined with
# (casework or other strategic tasks), whether the role is operational or purely strategic, and
# whether the coordinator sits in the management group. Expert teams per municipality come from
# the condition table.

# %%
chapter.table(organisation.placement_summary(chapter.study), "placement")
chapter.table(organisation.combination_summary(chapter.study), "combination")
chapter.table(organisation.role_summary(chapter.study), "role")
chapter.table(organisation.management_group_seats(chapter.study), "management_group")
chapter.table(organisation.expert_teams(chapter.study), "expert_teams")

# %% [markdown] tags=["lang-sv"]
# ## Fynd
#
# Varje räknat påstående i kapitlet, med täljare, nämnare och källa. Kolumnen *underlag* säger om
# påståendet vilar på något rekonstruerat värde.

# %% [markdown] tags=["lang-en"]
# ## Findings
#
# Every counted statement of the chapter, with numerator, denominator and source. The *basis*
# column says whether the statement rests on any reconstructed value.

# %%
chapter.findings()

# %% [markdown] tags=["lang-sv"]
# ## Begränsningar
#
# - Enkätsvar är självrapporterade; en tidsfördelning i procent är en uppskattning, inte en
#   tidmätning.
# - Sex samordnare räcker för att beskriva länet, inte för att generalisera till andra län.
# - I standardstudien är tjänstgöringsgraden för två deltidstjänster och alla tidsfördelningar
#   rekonstruerade (rapporten anger bara intervallet 50–75 procent).
#
# ### Övningar
# 1. Ändra `q2_share_of_post_pct` för en samordnare i en kopia av studien (`evalkit new` ger en
#    tom mall, eller kopiera mappen) och kör om anteckningsboken. Vilka fynd ändras?
# 2. Sätt `language = "sv"` i parametercellen och kör om: rubriker, etiketter och meningar byter
#    språk, siffrorna gör det inte.
# 3. Varför räknas heltid per kommun men deltid per samordnare? Vad skulle hända med
#    "två av åtta" om den delade tjänsten räknades per samordnare?

# %% [markdown] tags=["lang-en"]
# ## Limits
#
# - Survey answers are self-reported; a time split in percent is an estimate, not a time study.
# - Six coordinators are enough to describe the county, not to generalise to other counties.
# - In the default study the share of post of two part-time posts and every time split are
#   reconstructed (the report only gives the range 50–75 percent).
#
# ### Exercises
# 1. Change `q2_share_of_post_pct` for one coordinator in a copy of the study (copy the folder)
#    and re-run the notebook. Which findings change?
# 2. Set `language = "sv"` in the parameters cell and re-run: headings, labels and sentences switch
#    language, the numbers do not.
# 3. Why is full time counted per municipality but part time per coordinator? What would happen to
#    "two of eight" if the shared post were counted per coordinator?
