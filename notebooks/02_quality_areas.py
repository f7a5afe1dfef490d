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
# # De sex kvalitetsområdena
#
# **Frågan:** Höjer samordnarna kvaliteten i kommunernas arbete mot våld, och i så fall inom vilka
# områden?
#
# **Metoden:** Utvärderingen mäter inte samordnarnas effekt direkt – det finns inga mått på det.
# Den ser i stället på indirekta effekter, ordnade efter de sex kvalitetsområden som Socialstyrelsen
# använder i öppna jämförelser av socialtjänsten. Varje område har indikatorer (t.ex. "rutinfrågor
# om våld införda"), och varje indikator bedöms för en bestämd population: kommuner med samordnare,
# samordnare, eller intervjuade externa parter. Populationen är nämnaren. Ett värde är *ja*,
# *delvis*, *nej* eller *okänt*, och bygger på vad chefer, medarbetare och samordnare säger i
# intervjuerna.
#
# **Varför underlaget svarar på frågan:** när flera grupper i samma kommun – chefer och
# socialsekreterare – oberoende av varandra beskriver samma förändring och knyter den till
# samordnaren, är det ett rimligt tecken på en effekt. Det är inget bevis: vi vet inte hur det
# hade sett ut utan samordnare.

# %% [markdown] tags=["lang-en"]
# # The six quality areas
#
# **The question:** Do the coordinators raise the quality of the municipalities' work against
# violence, and if so in which areas?
#
# **The method:** The evaluation does not measure the coordinators' effect directly – no measures
# of it exist. It looks at indirect effects instead, ordered by the six quality areas the
# National Board of Health and Welfare uses in its open comparisons of social services. Each area
# has indicators (e.g. "routine questions about violence introduced"), and each indicator is
# assessed over a fixed population: municipalities with a coordinator, coordinators, or
# interviewed external partners. The population is the denominator. A value is *yes*, *partly*,
# *no* or *unknown*, and rests on what managers, staff and coordinators say in the interviews.
#
# **Why the evidence answers it:** when several groups in one municipality – managers and social
# workers – independently describe the same change and tie it to the coordinator, that is a
# reasonable sign of an effect. It is not proof: we do not know how things would have gone without
# a coordinator.

# %% tags=["parameters"]
study = None  # path of the study folder; None = the shipped Västmanland 2019 study
language = "en"  # "sv" or "en"
output_dir = None  # folder for tables and figures; None = show only
reveal_names = False  # show real municipality names (only if the study holds them)
partly_score = 0.5  # how much a 'partly' counts in the heat map (yes = 1, no = 0)

# %%
from evalkit.analysis import quality_areas
from evalkit.notebook import open_chapter
from evalkit.present import agreement, figures

chapter = open_chapter(
    "02_quality_areas", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names
)

# %% [markdown] tags=["lang-sv"]
# ## Kvalitetsområdena

# %% [markdown] tags=["lang-en"]
# ## The quality areas

# %%
chapter.codebook_table("quality_areas", ["quality_area_id", "definition"])

# %% [markdown] tags=["lang-sv"]
# ## Varje indikator räknad
#
# För varje indikator: hur många *ja*, *delvis*, *nej* och *okänt*, nämnaren och enheten. Fynden
# längre ned räknar *ja*.

# %% [markdown] tags=["lang-en"]
# ## Every indicator counted
#
# For each indicator: how many *yes*, *partly*, *no* and *unknown*, the denominator and the unit.
# The findings further down count *yes*.

# %%
chapter.table(quality_areas.indicator_tally(chapter.study), "indicator_tally")

# %% [markdown] tags=["lang-sv"]
# ## Överensstämmelse mellan kodare
#
# När två eller fler kodare har bedömt samma indikator för samma kommun, samordnare eller intervju
# mäts hur väl de är överens med Krippendorffs alfa (ordinalskala nej < delvis < ja; okänt räknas
# som saknat värde). 1 betyder att de alltid är överens, 0 att de inte är mer överens än slumpen.
# Där kodarna är oeniga och inget överenskommet värde har skrivits in används det lägsta kända
# värdet, så en oenighet höjer aldrig ett antal. Oenigheterna listas i rapportmappens
# `disagreements.csv`.

# %% [markdown] tags=["lang-en"]
# ## Agreement between coders
#
# Where two or more coders assessed the same indicator for the same municipality, coordinator or
# interview, their agreement is measured with Krippendorff's alpha (ordinal scale no < partly <
# yes; unknown counts as a missing value). 1 means they always agree, 0 that they agree no more
# than chance would. Where the coders disagree and no agreed value has been entered, the lowest
# known value is used, so a disagreement never raises a count. The disagreements are listed in
# `disagreements.csv` in the report folder.

# %%
chapter.say(agreement.agreement_markdown)

# %% [markdown] tags=["lang-sv"]
# ## Kommun × kvalitetsområde
#
# Varje cell är medelvärdet av kommunens indikatorer inom området (ja = 1, delvis =
# `partly_score`, nej = 0; okänt räknas inte). Indikatorer som gäller samordnaren räknas för varje
# kommun samordnaren arbetar i, så den delade tjänsten syns i tre kommuner. Ljusa celler betyder
# att få indikatorer uppfylls; grå celler att inget är känt.

# %% [markdown] tags=["lang-en"]
# ## Municipality × quality area
#
# Each cell is the mean of the municipality's indicators in the area (yes = 1, partly =
# `partly_score`, no = 0; unknown is left out). Indicators about the coordinator count for every
# municipality the coordinator works in, so the shared post shows in three municipalities. Light
# cells mean few indicators are met; grey cells that nothing is known.

# %%
matrix = quality_areas.quality_area_matrix(chapter.study, partly_score=partly_score)
chapter.figure(
    figures.quality_area_heatmap(matrix, chapter.study, language=chapter.language, reveal_names=chapter.reveal_names),
    "quality_area_heatmap",
)
chapter.table(matrix, "quality_area_matrix")

# %% [markdown] tags=["lang-sv"]
# ## Efter grupp: väl fungerande, sämre fungerande, team
#
# Samma poäng, i genomsnitt per grupp av kommuner. Rapportens huvudbudskap syns här: där
# samordnarfunktionen fungerar ligger kommunerna högt i de flesta områden, i de två kommuner där den
# inte fungerar ligger de lägre. Jämförelsen med teamkommunerna görs i kapitel 3.

# %% [markdown] tags=["lang-en"]
# ## By group: well functioning, poorly functioning, team
#
# The same scores, averaged per group of municipalities. The report's main message shows here: where
# the coordinator function works, municipalities score high in most areas; in the two where it does
# not, they score lower. The comparison with the team municipalities is in chapter 3.

# %%
chapter.table(quality_areas.quality_area_by_group(chapter.study, partly_score=partly_score), "quality_area_by_group")

# %% [markdown] tags=["lang-sv"]
# ## Fynd

# %% [markdown] tags=["lang-en"]
# ## Findings

# %%
chapter.findings()

# %% [markdown] tags=["lang-sv"]
# ## Begränsningar
#
# - Rapporten anger antal, men sällan vilka kommuner. Fördelningen per kommun är rekonstruerad så
#   att alla antal stämmer samtidigt (se `DATALOG.md`); antalen är rapportens, mönstret per kommun
#   är ett av flera möjliga.
# - Indikatorerna är av olika slag: några gäller varje kommun, andra enskilda initiativ som bara
#   en samordnare tagit. Ett områdesmedelvärde blandar dem och ska läsas som en översikt.
# - Cheferna valde intervjupersonerna; bedömningarna kan luta åt det positiva.
#
# ### Övningar
# 1. Sätt `partly_score = 0` och sedan `1`. Vilka celler i värmekartan ändras mest, och vad säger
#    det om hur mycket *delvis* betyder för slutsatserna?
# 2. Kommunen A antas vara den andra kommunen där funktionen fungerar dåligt. Ändra
#    `coordinator_functioning` för A till `well` och för F till `poorly` i en kopia av studien.
#    Vilka gruppmedelvärden ändras?
# 3. Välj en indikator och skriv om dess definition så att den går att bedöma i din egen studie.

# %% [markdown] tags=["lang-en"]
# ## Limits
#
# - The report gives counts but seldom says which municipalities. The per-municipality allocation
#   is reconstructed so that all counts hold at once (see `DATALOG.md`); the counts are the
#   report's, the per-municipality pattern is one of several possible.
# - Indicators are of different kinds: some concern every municipality, others single initiatives
#   taken by one coordinator. An area mean mixes them and should be read as an overview.
# - Managers chose the interviewees; the assessments may lean positive.
#
# ### Exercises
# 1. Set `partly_score = 0`, then `1`. Which heat-map cells move most, and what does that say about
#    how much *partly* matters for the conclusions?
# 2. Municipality A is assumed to be the second poorly functioning one. In a copy of the study,
#    set `coordinator_functioning` to `well` for A and to `poorly` for F. Which group means change?
# 3. Pick an indicator and rewrite its definition so that it can be assessed in a study of your own.
