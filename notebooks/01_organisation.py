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
# # Hur samordnarfunktionen är organiserad
#
# **Frågan:** Hur har kommunerna organiserat arbetet mot våld i nära relationer: hur stora är
# tjänsterna, vad fyller samordnarna dem med, var sitter de och med vilket mandat?
#
# **Varför underlaget svarar på frågan:** organisationen beskrivs av samordnarnas enkätsvar
# (tjänstgöringsgrad, tidsfördelning, placering) och av tabellerna över tjänsterna: vilka kommuner
# varje samordnare arbetar i, rollen, vad tjänsten kombineras med och platsen i ledningsgruppen.
# Det är den minst tolkade delen av utvärderingen, och resten behöver den: metoden förklarar
# skillnader i resultat med just organiseringen.

# %% [markdown] tags=["lang-en"]
# # How the coordinator function is organised
#
# **The question:** How have the municipalities organised their work against violence in close
# relationships: how large are the posts, what do coordinators fill them with, where are they
# placed and with what mandate?
#
# **Why the evidence answers it:** the organisation is described by the coordinators' survey
# answers (share of post, time split, placement) and by the tables of posts: which municipalities
# each coordinator serves, the role, what the post is combined with and the seat in the management
# group. It is the least interpreted part of the evaluation, and the rest needs it: the method
# explains differences in results by exactly this organisation.

# %% tags=["parameters"]
study = None  # type: Optional[str] path of the study folder (None: the shipped Västmanland 2019 study)
language: str = "en"  # language of the text, tables and figures: "sv" or "en"
output_dir = None  # type: Optional[str] folder the tables (CSV) and figures (SVG) are also written to (None: only shown)
reveal_names: bool = False  # show real municipality names (only if the study holds them)

# %%
from evalkit.analysis import organisation
from evalkit.notebook import open_chapter
from evalkit.present import figures, narrative

chapter = open_chapter(
    "01_organisation", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names
)
chapter.commentary("introduction")

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
with chapter.part("posts"):
    chapter.say(narrative.posts_summary)
    chapter.commentary("posts")
    chapter.table(organisation.posts_by_coordinator(chapter.study), "posts_by_coordinator")
    chapter.table(organisation.posts_by_municipality(chapter.study), "posts_by_municipality")

# %% [markdown] tags=["lang-sv"]
# ## Vad tiden går till
#
# Enkätens fråga 3 delar tjänsten i samordning på strategisk nivå, samordning på individnivå,
# direkt klientarbete och annat. Med svar från en egen enkät är det här kapitlets mest
# informativa figur: den visar om tjänsten används till det den är tänkt för.

# %% [markdown] tags=["lang-en"]
# ## Where the time goes
#
# Survey question 3 splits the post into coordination at strategic level, coordination at
# individual level, direct client work and other work. With answers from a survey of your own,
# this is the chapter's most informative figure: it shows whether the post is used for what it is
# meant for.

# %%
with chapter.part("time_split"):
    chapter.say(narrative.time_split_summary)
    chapter.commentary("time_split")
    time_split = organisation.time_split(chapter.study)
    chapter.figure(figures.time_split_figure(time_split, chapter.study, language=chapter.language), "time_split")
    chapter.table(organisation.time_split(chapter.study, wide=True), "time_split")

# %% [markdown] tags=["lang-sv"]
# ## Placering, kombination, roll och mandat
#
# Metoden ser på fyra organisatoriska drag som påverkar om samordnaren når socialtjänstens
# vardag: var tjänsten är placerad, vad den kombineras med (handläggning eller andra strategiska
# uppgifter), om rollen är operativ eller rent strategisk, och om samordnaren sitter i
# ledningsgruppen. Kombinationen räknas både per kommun och per samordnare, eftersom en delad
# tjänst ger olika antal beroende på vad man räknar. Expertteam per kommun hämtas från
# villkorstabellen.

# %% [markdown] tags=["lang-en"]
# ## Placement, combination, role and mandate
#
# The method looks at four organisational features that affect whether a coordinator reaches the
# daily work of the social services: where the post is placed, what it is combined with (casework
# or other strategic tasks), whether the role is operational or purely strategic, and whether the
# coordinator sits in the management group. The combination is counted both per municipality and
# per coordinator, since a shared post gives different numbers depending on what is counted.
# Expert teams per municipality come from the condition table.

# %%
with chapter.part("organisation_features"):
    chapter.commentary("placement")
    chapter.table(organisation.placement_summary(chapter.study), "placement")
    chapter.table(organisation.combination_summary(chapter.study), "combination")
    chapter.table(organisation.role_summary(chapter.study), "role")
    chapter.table(organisation.management_group_seats(chapter.study), "management_group")
    chapter.table(organisation.expert_teams(chapter.study), "expert_teams")

# %% [markdown] tags=["lang-sv"]
# ## Resultat i kapitlet
#
# Varje räknat påstående i kapitlet, med antal, nämnare och källa, och hur det är belagt. Antal
# som kan läsas på två sätt – heltid, deltid och vad tjänsten kombineras med – anges både per
# samordnare och per kommun med samordnare. Ett okänt värde räknas aldrig som nej.

# %% [markdown] tags=["lang-en"]
# ## Findings in this chapter
#
# Every counted statement of the chapter, with numerator, denominator and source, and how it is
# backed. Counts that can be read two ways – full time, part time and what the post is combined
# with – are given both per coordinator and per municipality with a coordinator. An unknown value
# is never counted as no.

# %%
chapter.findings()
chapter.commentary("findings")

# %% [markdown] tags=["lang-sv"]
# ## Begränsningar
#
# - Enkätsvar är självrapporterade; en tidsfördelning i procent är en uppskattning, inte en
#   tidmätning.

# %% [markdown] tags=["lang-en"]
# ## Limits
#
# - Survey answers are self-reported; a time split in percent is an estimate, not a time study.

# %%
chapter.say(narrative.organisation_limits)
chapter.commentary("limits")

# %% [markdown] tags=["lang-sv"]
# ### Övningar
# 1. Ändra `q2_share_of_post_pct` för en samordnare i en kopia av studien och kör om
#    anteckningsboken med `study` satt till kopian. Vilka resultat ändras?
# 2. Sätt `language = "sv"` i parametercellen och kör om: rubriker, etiketter och meningar byter
#    språk, siffrorna gör det inte.
# 3. Jämför resultaten om deltid per samordnare och per kommun. Varför skiljer de sig, och vilket
#    av dem svarar på frågan hur många kommuner som har en samordnare på heltid?

# %% [markdown] tags=["lang-en"]
# ### Exercises
# 1. Change `q2_share_of_post_pct` for one coordinator in a copy of the study and re-run the
#    notebook with `study` set to the copy. Which findings change?
# 2. Set `language = "sv"` in the parameters cell and re-run: headings, labels and sentences switch
#    language, the numbers do not.
# 3. Compare the part-time findings per coordinator and per municipality. Why do they differ, and
#    which of them answers how many municipalities have a full-time coordinator?

# %%
chapter.commentary("exercises")
