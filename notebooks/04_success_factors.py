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
# # Framgångsfaktorer och förklaringar till svårigheter
#
# **Frågan:** Vad skiljer de kommuner där samordnarfunktionen fungerar väl från dem där den
# fungerar dåligt?
#
# **Metoden:** Utvärderingen sammanfattar vad intervjuerna säger i framgångsfaktorer (som att
# samordnaren arbetar nära socialsekreterarna, har ett team med experter och stöd från ledningen,
# och är rätt person för uppdraget) och förklaringar till svårigheter (som att tjänsten kombineras
# med handläggning, delas mellan kommuner, har en rent strategisk eller otydlig roll, eller en
# placering som inte passar rollen). Här illustreras de med *crisp-set QCA* (kvalitativ
# komparativ analys): varje kommun beskrivs som en kombination av villkor som finns (1) eller
# saknas (0), och vi söker de enklaste kombinationerna som skiljer ut utfallet.
#
# **Varför metoden passar:** med få fall går det inte att skatta effekter statistiskt, men QCA är
# byggt för få fall och för kombinationer av villkor – det som intervjuerna beskriver i ord.
# Lösningarna är aldrig bättre än villkorsvärdena de bygger på.

# %% [markdown] tags=["lang-en"]
# # Success factors and explanations of failure
#
# **The question:** What sets apart the municipalities where the coordinator function works well
# from those where it works poorly?
#
# **The method:** The evaluation sums up what the interviews say as success factors (such as a
# coordinator who works close to the social workers, has a team of experts and the support of
# management, and is the right person for the task) and explanations of failure (such as a post
# combined with casework or shared between municipalities, a purely strategic or unclear role, or
# a placement that does not fit the role). Here they are illustrated with *crisp-set QCA*
# (qualitative comparative analysis): each municipality is described as a combination of
# conditions present (1) or absent (0), and we look for the simplest combinations that set the
# outcome apart.
#
# **Why the method fits:** few cases cannot support statistical estimates of effects, but QCA is
# made for few cases and for combinations of conditions – what the interviews describe in words.
# The solutions are never better than the condition values they rest on.

# %% tags=["parameters"]
study = None  # type: Optional[str] path of the study folder (None: the shipped Västmanland 2019 study)
language: str = "en"  # language of the text, tables and figures: "sv" or "en"
output_dir = None  # type: Optional[str] folder the tables (CSV) and figures (SVG) are also written to (None: only shown)
reveal_names: bool = False  # show real municipality names (only if the study holds them)
partly_as: int = 1  # one of 0, 1: how 'partly' enters the crisp sets, 1 as present and 0 as absent
consistency_cut: float = 1.0  # in [0, 1]: a configuration counts as sufficient from this consistency on

# %%
from evalkit.analysis import robustness, success_factors
from evalkit.notebook import open_chapter
from evalkit.present import narrative

chapter = open_chapter(
    "04_success_factors", study=study, language=language, output_dir=output_dir, reveal_names=reveal_names
)

# %%
chapter.say(narrative.conditions_summary)
chapter.say(narrative.qca_cases_summary)
chapter.commentary("introduction")

# %% [markdown] tags=["lang-sv"]
# ## Villkorstabellen
#
# En rad per kommun med samordnare: varje villkor som 1/0 och utfallet (1 = funktionen fungerar
# väl). *Delvis* blir 1 eller 0 beroende på parametern `partly_as`; ett okänt värde visas som `?`.

# %% [markdown] tags=["lang-en"]
# ## The condition table
#
# One row per municipality with a coordinator: each condition as 1/0 and the outcome (1 = the
# function works well). *Partly* becomes 1 or 0 depending on the parameter `partly_as`; an unknown
# value shows as `?`.

# %%
with chapter.part("condition_table"):
    chapter.commentary("conditions")
    chapter.table(success_factors.condition_table(chapter.study, partly_as=partly_as), "condition_table")

# %% [markdown] tags=["lang-sv"]
# ## Nödvändiga villkor
#
# Ett villkor är nödvändigt om utfallet inte uppträder utan det. *Konsistens* är andelen av
# utfallsfallen som har villkoret, *täckning* hur stor del av villkorsfallen som har utfallet, och
# *relevans* (RoN) om villkoret är trivialt (finns nästan överallt).

# %% [markdown] tags=["lang-en"]
# ## Necessary conditions
#
# A condition is necessary if the outcome does not occur without it. *Consistency* is the share of
# outcome cases that have the condition, *coverage* how many of the condition cases have the
# outcome, and *relevance* (RoN) whether the condition is trivial (present almost everywhere).

# %%
with chapter.part("success_factor_qca"):
    success = chapter.shared(
        success_factors.qca_analysis, kind="success_factor", partly_as=partly_as, consistency_cut=consistency_cut
    )
    chapter.commentary("necessity")
    chapter.table(success.necessity, "necessity_success_factors")

# %% [markdown] tags=["lang-sv"]
# ## Sanningstabell och lösningar: framgångsfaktorerna
#
# Sanningstabellen har en rad per kombination av villkor som förekommer, med antal fall,
# konsistens och PRI. Minimeringen ger tre lösningar: den *konservativa* (bara observerade
# kombinationer), den *sparsamma* (alla oobserverade kombinationer får användas som förenklande
# antaganden) och den *mellanliggande* (bara antaganden som stämmer med förväntningen att
# framgångsfaktorer bidrar). Finns flera lika enkla lösningar visas alla.

# %% [markdown] tags=["lang-en"]
# ## Truth table and solutions: the success factors
#
# The truth table has one row per combination of conditions that occurs, with the number of cases,
# consistency and PRI. Minimisation gives three solutions: the *conservative* (observed
# combinations only), the *parsimonious* (every unobserved combination may serve as a simplifying
# assumption) and the *intermediate* (only assumptions in line with the expectation that success
# factors help). Where several equally simple solutions exist, all are shown.

# %%
with chapter.part("success_factor_qca"):
    chapter.say(narrative.qca_solutions_summary, success, "outcome")
    chapter.commentary("success_solutions")
    chapter.table(success.truth_table, "truth_table_success_factors")
    chapter.table(success.solutions_frame(), "solutions_success_factors")

# %% [markdown] tags=["lang-sv"]
# ## Förklaringarna till svårigheter
#
# Samma analys för utfallet *fungerar dåligt*, med förklaringarna till svårigheter som villkor.

# %% [markdown] tags=["lang-en"]
# ## The explanations of failure
#
# The same analysis for the outcome *works poorly*, with the explanations of failure as conditions.

# %%
failure = None  # stays None when the failure analysis cannot run
with chapter.part("failure_qca"):
    failure = chapter.shared(
        success_factors.qca_analysis,
        kind="failure_explanation",
        partly_as=partly_as,
        consistency_cut=consistency_cut,
        outcome="~outcome",
    )
    chapter.say(narrative.qca_solutions_summary, failure, "~outcome")
    chapter.commentary("failure_solutions")
    chapter.table(failure.necessity, "necessity_failure_explanations")
    chapter.table(failure.truth_table, "truth_table_failure_explanations")
    chapter.table(failure.solutions_frame(), "solutions_failure_explanations")

# %% [markdown] tags=["lang-sv"]
# ## Vad lösningarna vilar på
#
# En QCA-lösning är ett samband bland de här fallen, inte en orsak, och den vilar på mer än fallen.
# Den sparsamma och den mellanliggande lösningen antar vad utfallet skulle vara i kombinationer som
# inga fall har (*logiska rester*); tabellerna listar de antagandena. Sneda villkor (som nästan
# alltid eller nästan aldrig gäller) ger lösningar som nästan är självklara. Lösningen kan bero på
# hur *delvis* räknas. Och med få fall och flera villkor kan nästan vilket utfall som helst få en
# lösning: jämförelsetalet räknar hur många av alla sätt att tilldela utfallet som ger en lösning
# som är minst lika bra som studiens.

# %% [markdown] tags=["lang-en"]
# ## What the solutions rest on
#
# A QCA solution is an association among these cases, not a cause, and it rests on more than the
# cases. The parsimonious and the intermediate solutions assume what the outcome would be in
# combinations no case has (*logical remainders*); the tables list those assumptions. Skewed
# conditions (that almost always or almost never hold) give solutions that come almost for free.
# The solution may depend on how *partly* is counted. And with few cases and several conditions,
# almost any outcome can get a solution: the baseline counts how many of all ways to assign the
# outcome give a solution at least as good as the study's.

# %%
with chapter.part("success_factor_qca"):
    chapter.say(narrative.qca_assumptions_summary, success, failure)
    chapter.commentary("qca_assumptions")
    chapter.table(success_factors.qca_skew(success, failure), "qca_skew")
    chapter.table(success_factors.simplifying_assumptions(success), "simplifying_assumptions_success_factors")
    if failure is not None:
        chapter.table(success_factors.simplifying_assumptions(failure), "simplifying_assumptions_failure_explanations")
    chapter.table(
        success_factors.solutions_by_partly(chapter.study, "success_factor", consistency_cut=consistency_cut),
        "solutions_by_partly",
    )
    chapter.table(
        success_factors.baseline_summary(chapter.study, partly_as=partly_as, consistency_cut=consistency_cut),
        "outcome_assignment_baseline",
    )

# %% [markdown] tags=["lang-sv"]
# ## Lösningarna i alla fördelningar som stämmer med underlaget
#
# Villkorsvärden och utfall som källan lämnar öppna har studien valt. Här räknas båda analyserna om
# i varje fördelning av de rekonstruerade värdena som stämmer med källans antal och studiens
# nedskrivna villkor (se kapitel 0). Den första tabellen visar om lösningarna ovan gäller i alla,
# i vissa eller i ingen av fördelningarna, först sammantaget och sedan för varje läsning av vilka
# kommuner som fungerar dåligt. Den andra visar för varje läsning och lösningstyp den lösning som
# gäller i samtliga fördelningar med läsningen, om det finns någon, och hur många olika lösningar
# läsningen ger. Läsningarna vägs inte mot varandra. En lösning som bara gäller i vissa
# fördelningar illustrerar metoden och säger inget om vad som skiljer kommunerna åt.

# %% [markdown] tags=["lang-en"]
# ## The solutions across every consistent allocation
#
# The study chose the condition values and outcomes that the source leaves open. Here both
# analyses are recomputed in every allocation of the reconstructed values that agrees with the
# source's counts and the study's written constraints (see chapter 0). The first table shows
# whether the solutions above hold in every, in some or in none of the allocations, first overall
# and then under each reading of which municipalities function poorly. The second shows, per
# reading and solution type, the solution that holds in every allocation of the reading, if there
# is one, and how many different solutions the reading gives. The readings are not weighed against
# each other. A solution that holds in some allocations only illustrates the method and says
# nothing about what sets the municipalities apart.

# %%
with chapter.part("success_factor_qca"):
    robust = chapter.shared(robustness.robustness_analysis, partly_as=partly_as, consistency_cut=consistency_cut)
    chapter.say(narrative.qca_robustness_summary, robust)
    chapter.commentary("qca_robustness")
    chapter.table(
        robustness.study_solutions(robust, language, chapter.study, chapter.reveal_names),
        "solutions_across_allocations",
    )
    chapter.table(robustness.solutions_by_reading(chapter.study, robust), "solutions_by_reading")

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
# - Villkoren är bedömningar från intervjuer. Ett villkorsvärde som är rekonstruerat eller okänt
#   bär lösningen lika mycket som ett belagt värde; läs lösningarna tillsammans med hur många värden
#   som är rekonstruerade.
# - Motsägelsefulla rader (samma villkor, olika utfall) visar att villkoren inte räcker för att
#   förklara utfallet – en viktig upplysning, inte ett fel.

# %% [markdown] tags=["lang-en"]
# ## Limits
#
# - The conditions are judgements from interviews. A condition value that is reconstructed or
#   unknown carries the solution as much as one with evidence; read the solutions together with how
#   many values are reconstructed.
# - Contradictory rows (same conditions, different outcomes) show that the conditions do not
#   suffice to explain the outcome – useful information, not an error.

# %%
chapter.say(narrative.success_factor_limits)
chapter.commentary("limits")

# %% [markdown] tags=["lang-sv"]
# ### Övningar
# 1. Sätt `partly_as = 0`. Vilka rader i sanningstabellen byter plats, och ändras lösningarna?
# 2. I en kopia av studien: byt `coordinator_functioning` (i `municipalities.csv`) mellan en kommun
#    där funktionen fungerar väl och en där den fungerar dåligt. Kör `evalkit validate` på kopian:
#    allokeringskontrollen visar vilka regler i `constraints.csv` bytet bryter. Flytta de värden
#    reglerna binder till funktionen (bland villkoren *rätt person*) tills kontrollen går igenom.
#    Vad händer då med lösningen för förklaringarna till svårigheter? Jämför med tabellen som
#    visar lösningarna för varje läsning.
# 3. Sänk `consistency_cut` till 0,6. Vilka motsägelsefulla rader räknas då som tillräckliga, och
#    är det rimligt?

# %% [markdown] tags=["lang-en"]
# ### Exercises
# 1. Set `partly_as = 0`. Which truth-table rows move, and do the solutions change?
# 2. In a copy of the study, swap `coordinator_functioning` (in `municipalities.csv`) between a
#    municipality where the function works well and one where it works poorly. Run `evalkit
#    validate` on the copy: the allocation check shows which rules of `constraints.csv` the swap
#    breaks. Move the values the rules tie to the function (among the conditions, *right person*)
#    until the check passes. What happens then to the solution for the explanations of failure?
#    Compare with the table that shows the solutions under each reading.
# 3. Lower `consistency_cut` to 0.6. Which contradictory rows now count as sufficient, and is that
#    reasonable?

# %%
chapter.commentary("exercises")
