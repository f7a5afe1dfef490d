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
# # Studiens underlag och datainsamling
#
# **Frågan:** Vilket underlag vilar utvärderingen på, och hur är varje uppgift belagd?
#
# En kvalitativ utvärdering står och faller med sitt underlag. Innan vi räknar något visar den
# här anteckningsboken vilka kommuner, samordnare, intervjuer, enkätsvar och dokument studien
# har, och hur varje uppgift är belagd. Allt hämtas från studiemappen; inget är hårdkodat.

# %% [markdown] tags=["lang-en"]
# # Study material and data collection
#
# **The question:** What evidence does the evaluation rest on, and how is each value backed?
#
# A qualitative evaluation stands or falls with its evidence. Before counting anything, this
# notebook shows which municipalities, coordinators, interviews, survey answers and documents the
# study holds, and how each value is backed. Everything is read from the study folder; nothing is
# typed into the code.

# %% tags=["parameters"]
study = None  # type: Optional[str] path of the study folder (None: the shipped Västmanland 2019 study)
language: str = "en"  # language of the text, tables and figures: "sv" or "en"
output_dir = None  # type: Optional[str] folder the tables (CSV) and figures (SVG) are also written to (None: only shown)
reveal_names: bool = False  # show real municipality names (only if the study holds them)

# %%
from evalkit.analysis import robustness, study_overview
from evalkit.notebook import open_chapter
from evalkit.present import narrative

chapter = open_chapter("00_study", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names)

# %%
chapter.say(narrative.study_overview)
chapter.commentary("introduction")

# %% [markdown] tags=["lang-sv"]
# ## Kommunerna
#
# En rad per kommun: storlek, hur arbetet mot våld i nära relationer är organiserat (egen
# samordnare, en samordnare som delas med andra kommuner, ett familjefridsteam utan samordnare
# eller ingen särskild organisering) och utvärderarens samlade bedömning av samordnarfunktionen,
# som används som utfall i kapitel 4. Varje värde har sin egen kolumn för hur det är belagt, så
# att ett angivet värde inte ser rekonstruerat ut för att ett annat värde på raden är det.

# %% [markdown] tags=["lang-en"]
# ## The municipalities
#
# One row per municipality: its size, how the work against violence in close relationships is
# organised (an own coordinator, a coordinator shared with other municipalities, a
# family-violence team without a coordinator, or nothing specific) and the evaluator's overall
# judgement of the coordinator function, used as the outcome in chapter 4. Each value has its own
# column saying how it is backed, so that a stated value does not look reconstructed because
# another value in its row is.

# %%
with chapter.part("municipalities"):
    chapter.say(narrative.municipalities_summary)
    chapter.commentary("municipalities")
    chapter.table(study_overview.municipalities_table(chapter.study), "municipalities")

# %% [markdown] tags=["lang-sv"]
# ## Intervjuerna
#
# Intervjuerna är utvärderingens huvudsakliga underlag: med samordnarna, med chefer och
# medarbetare i kommunerna och med externa samverkansparter. Tabellerna räknar dem per grupp och
# per roll. Intervjupersoner anges alltid med roll, aldrig med namn.

# %% [markdown] tags=["lang-en"]
# ## The interviews
#
# Interviews are the evaluation's main evidence: with the coordinators, with managers and staff
# in the municipalities and with external partners. The tables count them by group and by role.
# Interviewees are always described by role, never by name.

# %%
with chapter.part("interviews"):
    chapter.say(narrative.interviews_summary)
    chapter.commentary("interviews")
    chapter.table(study_overview.interviews_by_group(chapter.study), "interviews_by_group")
    chapter.table(study_overview.interviews_by_role(chapter.study), "interviews_by_role")

# %% [markdown] tags=["lang-sv"]
# ## Enkäten och dokumenten
#
# Varje samordnare får en kort enkät om kommunerna hen arbetar i, tjänstens storlek, hur tiden
# fördelas, placeringen i organisationen och vad hen har uppnått. Dokumenten är de handlingar
# studien bygger på: handlingsplaner, rutiner, handböcker, kompetensutvecklingsplaner, uppföljningar
# och liknande. När studien gör om en publicerad utvärdering finns inga enskilda enkätsvar: tabellen
# visar då vad rapporten uppger om varje tjänst, och dokumenten är de som rapporten nämner, inte
# sådana som någon har lämnat in till studien.

# %% [markdown] tags=["lang-en"]
# ## The survey and the documents
#
# Every coordinator gets a short survey about the municipalities served, the size of the post,
# how the time is split, the placement in the organisation and what has been achieved. The
# documents are the papers the study draws on: action plans, routines, handbooks, competence
# development plans, follow-ups and the like. When the study re-runs a published evaluation, no
# single survey answer is available: the table then shows what the report gives for each post, and
# the documents are those the report mentions, not papers anyone handed in to the study.

# %%
with chapter.part("survey"):
    chapter.say(narrative.survey_summary)
    chapter.commentary("survey")
    chapter.codebook_table("survey_questions", ["text"])
    chapter.table(
        study_overview.survey_coverage(chapter.study), study_overview.caption_key(chapter.study, "survey_coverage")
    )
with chapter.part("documents"):
    chapter.say(narrative.documents_summary)
    chapter.table(
        study_overview.documents_by_type(chapter.study),
        study_overview.caption_key(chapter.study, "documents_by_type"),
    )

# %% [markdown] tags=["lang-sv"]
# ## Hur varje uppgift är belagd
#
# Varje rad i studien säger hur dess värden är kända: *angivna* i en publicerad källa,
# *insamlade* i utvärderingen (enkätsvar, intervjuer, dokument, statistik), *utvärderarens
# bedömning* med angivna belägg, eller *rekonstruerade* – källan lämnar värdet öppet och ett
# nedskrivet antagande bestämmer det. Tabellen visar hur stor del av varje tabell som vilar på
# sådana antaganden.

# %% [markdown] tags=["lang-en"]
# ## How each value is backed
#
# Every row of the study says how its values are known: *stated* in a published source,
# *observed* in the evaluation (survey answers, interviews, documents, statistics), the
# *evaluator's judgement* with its evidence, or *reconstructed* – the source leaves the value
# open and a written assumption fixes it. The table shows how much of each table rests on such
# assumptions.

# %%
with chapter.part("provenance"):
    chapter.say(narrative.provenance_summary)
    chapter.commentary("provenance")
    chapter.table(study_overview.provenance_summary(chapter.study), "provenance")

# %% [markdown] tags=["lang-sv"]
# ## Vilka resultat som vilar på rekonstruktionen
#
# Där källan lämnar ett värde öppet väljer studien ett och skriver ner antagandet. Ofta tillåter
# källans egna antal och studiens nedskrivna villkor (`constraints.csv`) också andra val. Vi tar
# fram alla fördelningar av de rekonstruerade värdena som stämmer med dem och räknar om varje
# resultat och varje QCA-lösning i var och en. Ett resultat gäller då i *alla* fördelningar som
# villkoren tillåter, i *vissa* eller i *ingen*; ett som räknar värden som varken ett antal eller
# ett villkor tar upp får beskedet att källan inte säger något om dem. Att ett resultat gäller i
# alla betyder att det inte hänger på vilken fördelning studien valde – men det hänger fortfarande
# på villkoren, som är studiens läsning av källan (`DATALOG.md` säger varför vart och ett gäller).
# Beskedet ges för varje läsning av vilken kommun som fungerar dåligt, utan att läsningarna vägs
# mot varandra. Hela tabellen sparas som `robustness.csv` i rapporten.

# %% [markdown] tags=["lang-en"]
# ## Which findings rest on the reconstruction
#
# Where the source leaves a value open, the study picks one and writes the assumption down. The
# source's own counts and the study's written constraints (`constraints.csv`) often allow other
# choices too. We work out every allocation of the reconstructed values that agrees with them and
# recompute every finding and every QCA solution in each. A finding then holds in *every*
# allocation the constraints admit, in *some* or in *none*; one that counts values that neither a
# count nor a constraint addresses is reported as such – the source says nothing about them. A
# finding that holds in every allocation does not hinge on which allocation the study chose – but
# it still hinges on the constraints, which are the study's reading of the source (`DATALOG.md`
# says why each holds). The verdict is given under each reading of which municipality functions
# poorly, without weighing the readings against each other. The full table is saved as
# `robustness.csv` in the report.

# %%
with chapter.part("robustness"):
    robust = chapter.shared(robustness.robustness_analysis)
    chapter.say(narrative.robustness_summary, robust)
    chapter.commentary("robustness")
    chapter.table(
        robustness.resting_findings(robust, language, chapter.study, chapter.reveal_names),
        "findings_resting_on_reconstruction",
    )

# %% [markdown] tags=["lang-sv"]
# ## Publicerade påståenden
#
# När en studie återger en publicerad utvärdering innehåller `published_claims.csv` den
# utvärderingens räknade påståenden, vart och ett kopplat till det resultat som ska återge det.
# Varje påstående räknas om från studiens data vid varje körning: vad källan anger, vad data ger
# och om de stämmer. `evalkit run` avbryter när ett påstående inte stämmer (utom med
# `--allow-claim-mismatch`), och tabellen sparas också som `claims.csv` i rapporten.

# %% [markdown] tags=["lang-en"]
# ## Published claims
#
# When a study re-encodes a published evaluation, `published_claims.csv` holds that evaluation's
# counted statements, each tied to the finding that must reproduce it. Every claim is recomputed
# from the study's data on each run: what the source states, what the data give, and whether they
# agree. `evalkit run` stops when a claim disagrees (unless `--allow-claim-mismatch`), and the
# table is also saved as `claims.csv` in the report.

# %%
chapter.claims()

# %% [markdown] tags=["lang-sv"]
# ## Begränsningar att ha i minnet
#
# - **Självrapportering.** Enkäten och intervjuerna fångar vad människor säger att de gör och
#   uppnår, inte vad som har mätts.
# - **Vem som intervjuas.** Den som väljer intervjupersonerna påverkar bilden; personer som är
#   positiva till arbetet kan vara överrepresenterade.
# - **Klienterna hörs inte.** Metoden intervjuar samordnare, chefer, medarbetare och externa
#   parter, inte de våldsutsatta själva. Områden som självbestämmande och tillgänglighet bedöms
#   därför bara utifrån personalens och samverkansparternas beskrivningar.

# %% [markdown] tags=["lang-en"]
# ## Limits to keep in mind
#
# - **Self-report.** The survey and interviews capture what people say they do and achieve, not
#   what was measured.
# - **Who is interviewed.** Whoever chooses the interviewees shapes the picture; people who view
#   the work favourably may be over-represented.
# - **Clients are not heard.** The method interviews coordinators, managers, staff and external
#   partners, not the people exposed to violence. Areas such as self-determination and
#   accessibility are therefore judged only from staff's and partners' descriptions.

# %%
chapter.say(narrative.study_limits)
chapter.commentary("limits")

# %% [markdown] tags=["lang-sv"]
# ### Övningar
# 1. Hur många intervjuer kommer från kommunerna med samordnare, och hur många från
#    teamkommunerna? Vad betyder det för jämförelsen i kapitel 3?
# 2. Öppna `interviews.csv` i en kopia av studien och byt roll på en intervju till en kod som
#    inte finns i kodboken. Kör `evalkit validate` och läs felmeddelandet.
# 3. Vilken tabell har störst andel rekonstruerade rader, och varför?

# %% [markdown] tags=["lang-en"]
# ### Exercises
# 1. How many interviews come from municipalities with a coordinator, and how many from the team
#    municipalities? What does that mean for the comparison in chapter 3?
# 2. In a copy of the study, open `interviews.csv` and change one interview's role to a code that
#    is not in the codebook. Run `evalkit validate` and read the message.
# 3. Which table has the largest share of reconstructed rows, and why?

# %%
chapter.commentary("exercises")

# %% [markdown] tags=["lang-sv"]
# ## Resultat i kapitlet
#
# Varje räknat påstående i kapitlet, med antal och källa, och hur det är belagt. Ett påstående är
# *angivet* bara om alla dess värden är angivna i en publicerad källa; vilar det på något
# rekonstruerat värde är det *rekonstruerat*. Ett okänt värde räknas aldrig som nej: meningen
# säger för hur många värdet är okänt.

# %% [markdown] tags=["lang-en"]
# ## Findings in this chapter
#
# Every counted statement of the chapter, with its count and source, and how it is backed. A
# statement is *stated* only when all its values are stated in a published source; if it rests
# on any reconstructed value it is *reconstructed*. An unknown value is never counted as no: the
# sentence says for how many the value is not known.

# %%
chapter.findings()
chapter.commentary("findings")
