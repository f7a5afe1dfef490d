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
# # De sex kvalitetsområdena
#
# **Frågan:** Höjer samordnarna kvaliteten i kommunernas arbete mot våld, och i så fall inom vilka
# områden?
#
# **Metoden:** Utvärderingen mäter inte samordnarnas effekt direkt – det finns inga mått på det.
# Den ser i stället på indirekta effekter, ordnade efter sex kvalitetsområden som Socialstyrelsen och
# SKL har arbetat fram utifrån socialtjänstlagens kvalitetsbegrepp. Två av dem, självbestämmande och
# integritet samt effektivitet, ingår inte i Socialstyrelsens öppna jämförelser om våld i nära
# relationer. Varje område har indikatorer (t.ex. "rutinfrågor
# om våld införda"), och varje indikator bedöms för en bestämd population: kommuner med samordnare,
# samordnare, eller intervjuade externa parter. Populationen är nämnaren. Ett värde är *ja*,
# *delvis*, *nej* eller *okänt*, och bygger på vad chefer, medarbetare och samordnare säger i
# intervjuerna.
#
# **Varför underlaget svarar på frågan:** när flera grupper i samma kommun – chefer och
# socialsekreterare – beskriver samma förändring och knyter den till samordnaren, är det ett
# rimligt tecken på en effekt. Det är inget bevis: vi vet inte hur det hade sett ut utan
# samordnare, och grupperna är inte fristående källor när samma chefer väljer vilka medarbetare
# som intervjuas.

# %% [markdown] tags=["lang-en"]
# # The six quality areas
#
# **The question:** Do the coordinators raise the quality of the municipalities' work against
# violence, and if so in which areas?
#
# **The method:** The evaluation does not measure the coordinators' effect directly – no measures
# of it exist. It looks at indirect effects instead, ordered by six quality areas that the
# National Board of Health and Welfare worked out with the Swedish Association of Local Authorities
# and Regions from the quality concepts of the Social Services Act. Two of them, self-determination
# and integrity, and efficiency, are not part of the Board's open comparisons of work against
# violence in close relationships. Each area
# has indicators (e.g. "routine questions about violence introduced"), and each indicator is
# assessed over a fixed population: municipalities with a coordinator, coordinators, or
# interviewed external partners. The population is the denominator. A value is *yes*, *partly*,
# *no* or *unknown*, and rests on what managers, staff and coordinators say in the interviews.
#
# **Why the evidence answers it:** when several groups in one municipality – managers and social
# workers – describe the same change and tie it to the coordinator, that is a reasonable sign of
# an effect. It is not proof: we do not know how things would have gone without a coordinator,
# and the groups are not separate sources when the same managers choose which staff are
# interviewed.

# %% tags=["parameters"]
study = None  # type: Optional[str] path of the study folder (None: the shipped Västmanland 2019 study)
language: str = "en"  # language of the text, tables and figures: "sv" or "en"
output_dir = None  # type: Optional[str] folder the tables (CSV) and figures (SVG) are also written to (None: only shown)
reveal_names: bool = False  # show real municipality names (only if the study holds them)
partly_score: float = 0.5  # in [0, 1]: how much a 'partly' counts in the heat map, between no (0) and yes (1)

# %%
from evalkit.analysis import quality_areas
from evalkit.notebook import open_chapter
from evalkit.present import agreement, figures, narrative

chapter = open_chapter(
    "02_quality_areas", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names
)
chapter.commentary("introduction")

# %% [markdown] tags=["lang-sv"]
# ## Kvalitetsområdena

# %% [markdown] tags=["lang-en"]
# ## The quality areas

# %%
chapter.codebook_table("quality_areas", ["quality_area_id", "definition"])

# %% [markdown] tags=["lang-sv"]
# ## Varje indikator räknad
#
# För varje indikator: hur många *ja*, *delvis*, *nej* och *okänt*, nämnaren och enheten.
# Resultaten längre ned räknar *ja*; ett okänt värde räknas aldrig som nej.

# %% [markdown] tags=["lang-en"]
# ## Every indicator counted
#
# For each indicator: how many *yes*, *partly*, *no* and *unknown*, the denominator and the unit.
# The findings further down count *yes*; an unknown value is never counted as no.

# %%
with chapter.part("quality_areas"):
    chapter.say(narrative.assessment_summary)
    chapter.commentary("indicators")
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
# parametern `partly_score`, nej = 0; okänt räknas inte). Indikatorer som gäller samordnaren räknas
# för varje kommun samordnaren arbetar i. I värmekartan betyder ljusgula celler att alla
# indikatorer uppfylls och mörklila att ingen gör det; en grå, randig cell betyder att inget värde
# är känt.

# %% [markdown] tags=["lang-en"]
# ## Municipality × quality area
#
# Each cell is the mean of the municipality's indicators in the area (yes = 1, partly = the
# parameter `partly_score`, no = 0; unknown is left out). Indicators about the coordinator count
# for every municipality the coordinator works in. In the heat map, light yellow cells mean every
# indicator is met and dark purple that none is; a grey, hatched cell means that no value is
# known.

# %%
with chapter.part("quality_areas"):
    chapter.say(narrative.shared_post_note)
    chapter.commentary("heatmap")
    matrix = quality_areas.quality_area_matrix(chapter.study, partly_score=partly_score)
    chapter.figure(
        figures.quality_area_heatmap(
            matrix,
            chapter.study,
            language=chapter.language,
            reveal_names=chapter.reveal_names,
            partly_score=partly_score,
        ),
        "quality_area_heatmap",
    )
    chapter.table(matrix, "quality_area_matrix")

# %% [markdown] tags=["lang-sv"]
# ## Efter grupp: väl fungerande, sämre fungerande, team
#
# Samma poäng, i genomsnitt per grupp av kommuner: där samordnarfunktionen fungerar väl, där den
# fungerar dåligt, och kommuner med familjefridsteam. Jämförelsen med teamkommunerna görs i
# kapitel 3.

# %% [markdown] tags=["lang-en"]
# ## By group: well functioning, poorly functioning, team
#
# The same scores, averaged per group of municipalities: where the coordinator function works
# well, where it works poorly, and municipalities with a family-violence team. The comparison with
# the team municipalities is in chapter 3.

# %%
with chapter.part("quality_areas"):
    chapter.say(narrative.group_sizes)
    chapter.commentary("groups")
    chapter.table(
        quality_areas.quality_area_by_group(chapter.study, partly_score=partly_score), "quality_area_by_group"
    )

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
# - Indikatorerna är av olika slag: några gäller varje kommun, andra enskilda initiativ som bara
#   en samordnare tagit. Ett områdesmedelvärde blandar dem och ska läsas som en översikt.
# - Bedömningarna vilar på vad de intervjuade säger. Den som valde intervjupersonerna kan ha
#   påverkat bilden, och bedömningarna kan luta åt det positiva.

# %% [markdown] tags=["lang-en"]
# ## Limits
#
# - Indicators are of different kinds: some concern every municipality, others single initiatives
#   taken by one coordinator. An area mean mixes them and should be read as an overview.
# - The assessments rest on what the interviewees say. Whoever chose the interviewees may have
#   shaped the picture, and the assessments may lean positive.

# %%
chapter.commentary("limits")

# %% [markdown] tags=["lang-sv"]
# ### Övningar
# 1. Sätt `partly_score = 0` och sedan `1`. Vilka celler i värmekartan ändras mest, och vad säger
#    det om hur mycket *delvis* betyder för slutsatserna?
# 2. Byt `coordinator_functioning` mellan en kommun där funktionen fungerar väl och en där den
#    fungerar dåligt i en kopia av studien. Vilka gruppmedelvärden ändras? Kör sedan
#    `evalkit validate` på kopian: allokeringskontrollen listar de regler i `constraints.csv` som
#    bytet bryter (kunskap, rättssäkerhet, synlig effekt, intern samordning och rätt person följer
#    funktionen). Flytta de värdena också, tills kontrollen går igenom, och jämför igen.
# 3. Välj en indikator och skriv om dess definition så att den går att bedöma i din egen studie.

# %% [markdown] tags=["lang-en"]
# ### Exercises
# 1. Set `partly_score = 0`, then `1`. Which heat-map cells move most, and what does that say about
#    how much *partly* matters for the conclusions?
# 2. In a copy of the study, swap `coordinator_functioning` between a municipality where the
#    function works well and one where it works poorly. Which group means change? Then run
#    `evalkit validate` on the copy: the allocation check lists the rules of `constraints.csv` the
#    swap breaks (knowledge, legal certainty, visible effect, internal coordination and the right
#    person move with the function). Move those values too until the check passes, and compare again.
# 3. Pick an indicator and rewrite its definition so that it can be assessed in a study of your own.

# %%
chapter.commentary("exercises")
