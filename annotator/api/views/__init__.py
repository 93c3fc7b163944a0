"""REST views: parse → access → one service call → serialize (STYLE.md).

Permissions are decided in annotator/access/; errors become responses in
api/errors.py. Offsets everywhere are Unicode code points, half-open.
"""
