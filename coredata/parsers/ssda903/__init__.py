"""SSDA903 (children looked after) parser: the CSV tables and the XML form.

`parse_ssda903_csv` reads one CSV table, `parse_ssda903_xml` one XML return; both return a
`ParseResult` of kind "ssda903" whose tables are:

* header: child_id, sex (M/F, from the return's 1/2), birth_date
* episodes: child_id, decom, rne, ls, cin, place, place_provider, dec, rec,
  reason_place_change, urn, source_row (the CSV row; <NA> for XML)
* uasc: child_id, sex, dob, duc
* oc2: child_id, dob, sdq_score, sdq_reason, convicted, health_check, immunisations,
  teeth_check, health_assessment, substance_misuse, intervention_received,
  intervention_offered (the scores and 0/1 flags Int64)
* oc3: child_id, birth_date, in_touch, activ, accom
* ad1: child_id, dob, date_int, date_match, foster_care, nb_adoptr, sex_adoptr, ls_adoptr
* placed_for_adoption: child_id, dob, date_placed, date_placed_ceased, reason_placed_ceased
* reviews: child_id, dob, review, review_code
* missing: child_id, dob, missing, mis_start, mis_end
* previous_permanence: child_id, dob, prev_perm, la_perm, date_perm (kept as text: the
  return allows partly unknown dates such as "zz/zz/2010")
* sw_episodes: child_id, sw_id, sw_decom, sw_dec, sw_reason
* dolo: child_id, dob, dolo_start, dolo_end

Stacked multi-year extracts add `la` (string) and `year` (Int64). Dates are
datetime64[ns], counts and flags Int64, everything else "string"; empty cells are
<NA>/NaT. UPN, ethnicity, mother and postcode columns are read but not kept.

Checks (errors stop the import, warnings do not): unreadable file or unknown table;
a missing required column; a missing CHILD anywhere, or DECOM/RNE/LS/PLACE in an episode;
a date that is not DD/MM/YYYY or YYYY-MM-DD, or is before 1900; a code outside the DfE
lists (RNE, LS, CIN, PLACE, PLACE_PROVIDER, REC, REASON_PLACE_CHANGE, SEX, IN_TOUCH); an
episode ending before it starts; within one return, two episodes of a child starting on
the same date, or one starting before an earlier one has ended (an open episode never
ends). In a stacked extract (YEAR column) the overlap check runs within each LA and YEAR
and gives warnings, because `ssda903_clean.clean_stacked_episodes` resolves overlaps.
Unknown columns and XML elements are warnings, one per name.
"""

from coredata.parsers.ssda903.csv_form import parse_ssda903_csv
from coredata.parsers.ssda903.tables import KIND, TABLES, TableSpec, detect_table
from coredata.parsers.ssda903.xml_form import parse_ssda903_xml

__all__ = ["KIND", "TABLES", "TableSpec", "detect_table", "parse_ssda903_csv", "parse_ssda903_xml"]
