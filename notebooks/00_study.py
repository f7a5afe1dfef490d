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
# # Studiens underlag och datainsamling
#
# **Frågan:** Vilket underlag vilar utvärderingen på, och hur mycket av det är angivet i källan
# respektive rekonstruerat?
#
# En kvalitativ utvärdering står och faller med sitt underlag. Innan vi räknar något visar den
# här anteckningsboken vilka kommuner, samordnare, intervjuer, enkätsvar och dokument som finns,
# och hur varje uppgift är belagd. Allt hämtas från studiemappen; inget är inskrivet i koden.

# %% [markdown] tags=["lang-en"]
# # Study material and data collection
#
# **The question:** What evidence does the evaluation rest on, and how much of it is stated in
# the source and how much reconstructed?
#
# A qualitative evaluation stands or falls with its evidence. Before counting anything, this
# notebook shows which municipalities, coordinators, interviews, survey answers and documents the
# study holds, and how each value is backed. Everything is read from the study folder; nothing is
# typed into the code.

# %% tags=["parameters"]
study = None  # path of the study folder; None = the shipped Västmanland 2019 study
language = "en"  # "sv" or "en"
output_dir = None  # folder for tables and figures; None = show only
reveal_names = False  # show real municipality names (only if the study holds them)

# %%
from evalkit.analysis import sensitivity, study_overview
from evalkit.notebook import open_chapter

chapter = open_chapter("00_study", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names)

# %% [markdown] tags=["lang-sv"]
# ## Kommunerna
#
# Kommunerna är pseudonymiserade. Kolumnen *modell* visar hur arbetet är organiserat: egen
# samordnare, en samordnare som delas med andra kommuner, eller ett familjefridsteam utan
# samordnare. *Samordnarfunktionen* är utvärderingens samlade bedömning och används senare som
# utfall.

# %% [markdown] tags=["lang-en"]
# ## The municipalities
#
# Municipalities are pseudonymous. *Model* shows how the work is organised: an own coordinator, a
# coordinator shared with other municipalities, or a family-violence team without a coordinator.
# *Coordinator function* is the evaluation's overall judgement, used later as the outcome.

# %%
chapter.table(
    chapter.study.tables["municipalities"][
        ["municipality_id", "size_band", "model", "coordinator_functioning", "basis"]
    ],
    "municipalities",
)

# %% [markdown] tags=["lang-sv"]
# ## Intervjuerna
#
# Intervjuerna är utvärderingens huvudsakliga underlag. Tabellen räknar dem per grupp och roll.
# Intervjupersoner anges alltid med roll, aldrig med namn.

# %% [markdown] tags=["lang-en"]
# ## The interviews
#
# Interviews are the evaluation's main evidence. The table counts them by group and role.
# Interviewees are always described by role, never by name.

# %%
chapter.table(study_overview.interviews_by_group(chapter.study), "interviews_by_group")
chapter.table(study_overview.interviews_by_role(chapter.study), "interviews_by_role")

# %% [markdown] tags=["lang-sv"]
# ## Enkäten och dokumenten
#
# Samtliga samordnare besvarade en kort enkät (fem frågor). Dokumenten är handlingsplaner,
# rutiner, handböcker, kompetensplaner och uppföljningar som samordnarna skickade in.

# %% [markdown] tags=["lang-en"]
# ## The survey and the documents
#
# Every coordinator answered a short survey (five questions). The documents are action plans,
# routines, handbooks, competence plans and follow-ups that the coordinators sent in.

# %%
chapter.codebook_table("survey_questions", ["question_id", "text"])
chapter.table(study_overview.survey_coverage(chapter.study), "survey_coverage")
chapter.table(study_overview.documents_by_type(chapter.study), "documents_by_type")

# %% [markdown] tags=["lang-sv"]
# ## Hur varje uppgift är belagd
#
# Varje rad i studien säger om dess värden är *angivna* i källrapporten eller *rekonstruerade*.
# Rapporten är anonymiserad: den säger ofta "sju av åtta kommuner" utan att säga vilka. För att
# kunna räkna per kommun har vi fördelat sådana uppgifter så att alla rapportens antal stämmer
# samtidigt, och skrivit ned antagandet på varje rad (se `DATALOG.md`). Tabellen visar hur stor
# del av varje tabell som vilar på sådana antaganden.

# %% [markdown] tags=["lang-en"]
# ## How each value is backed
#
# Every row of the study says whether its values are *stated* in the source report or
# *reconstructed*. The report is anonymised: it often says "seven of eight municipalities"
# without saying which. To count per municipality we allocated such statements so that all of the
# report's counts hold at once, and wrote the assumption on every row (see `DATALOG.md`). The table
# shows how much of each table rests on such assumptions.

# %%
chapter.table(study_overview.provenance_summary(chapter.study), "provenance")

# %% [markdown] tags=["lang-sv"]
# ## Vad som skulle ändras om ett antagande var fel
#
# För varje rekonstruerat värde räknar vi om hela fynd-tabellen med de andra möjliga värdena och
# listar vilka fynd som då ändras. Ett fynd som aldrig dyker upp här är robust mot
# rekonstruktionen; ett fynd som dyker upp ofta vilar på antaganden och ska läsas med försiktighet.

# %% [markdown] tags=["lang-en"]
# ## What would change if an assumption were wrong
#
# For each reconstructed value we recompute the whole findings table with the other possible
# values and list the findings that change. A finding that never appears here is robust to the
# reconstruction; one that appears often rests on assumptions and should be read with care.

# %%
sensitivity_by_value = sensitivity.sensitivity_table(chapter.study)
chapter.table(
    sensitivity.finding_sensitivity(chapter.study, sensitivity_by_value)[["finding_id", "n_cells"]],
    "sensitivity_by_finding",
)
chapter.save_table(sensitivity_by_value, "sensitivity_by_value")

# %% [markdown] tags=["lang-sv"]
# ## Begränsningar att ha i minnet
#
# - **Få fall.** Tio kommuner och sex samordnare: varje kommun väger tungt, och ingen skillnad kan
#   prövas statistiskt.
# - **Urvalet av intervjupersoner.** Socialcheferna valde själva vilka som skulle intervjuas. De
#   kan ha valt personer som är positiva till arbetet.
# - **Telefonintervjuer** ger mindre utrymme för följdfrågor och kroppsspråk än möten på plats.
# - **Självrapportering.** Enkäten och intervjuerna fångar vad människor säger att de gör och
#   uppnår, inte vad som har mätts.
# - **Rekonstruerade fördelningar.** Rapportens antal återges exakt, men vilken kommun ett antal
#   gäller är oftast ett antagande.
#
# ### Övningar
# 1. Hur många intervjuer kommer från kommunerna med samordnare, och hur många från de två
#    teamkommunerna? Vad betyder det för jämförelsen i kapitel 3?
# 2. Öppna `interviews.csv` och byt roll på en intervju till en kod som inte finns i kodboken.
#    Kör `evalkit validate` och läs felmeddelandet.
# 3. Vilken tabell har störst andel rekonstruerade rader, och varför?

# %% [markdown] tags=["lang-en"]
# ## Limits to keep in mind
#
# - **Few cases.** Ten municipalities and six coordinators: every municipality weighs heavily, and
#   no difference can be tested statistically.
# - **Who was interviewed.** The heads of social services chose the interviewees themselves and
#   may have picked people who view the work favourably.
# - **Telephone interviews** leave less room for follow-up and for reading the situation than
#   meetings in person.
# - **Self-report.** The survey and interviews capture what people say they do and achieve, not
#   what was measured.
# - **Reconstructed allocations.** The report's counts are reproduced exactly, but which
#   municipality a count falls on is mostly an assumption.
#
# ### Exercises
# 1. How many interviews come from municipalities with a coordinator, and how many from the two
#    team municipalities? What does that mean for the comparison in chapter 3?
# 2. Open `interviews.csv` and change one interview's role to a code that is not in the codebook.
#    Run `evalkit validate` and read the message.
# 3. Which table has the largest share of reconstructed rows, and why?

# %% [markdown] tags=["lang-sv"]
# ## Fynd

# %% [markdown] tags=["lang-en"]
# ## Findings

# %%
chapter.findings()
