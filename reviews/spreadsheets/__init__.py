"""Excel workbooks for Home Affairs' clerks: the compilation table (`export.py`) and the cap-facts template with its
import (`facts_import.py`), sharing `workbook.py`. Pure functions: bytes in, bytes or parsed rows out; the views and
the import service decide who may call them."""
