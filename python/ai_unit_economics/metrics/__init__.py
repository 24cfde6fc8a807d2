"""The metrics: the one catalogue they are defined in (catalogue), the interval maths as SQL
(intervals; stats is its independent Python oracle, for the tests only), SQL for any warehouse
dialect (sqlgen), the settings a build was made with (settings), reading and printing them
from a build (results), the semantic documents other layers read (interchange), and the files
generated from the catalogue: semantic layer, macros, metric views, documents, docs
(generate).

Imports the engines (to read a build) and the base modules; the reports build on it.
"""
