"""The pages of periodic tracking, one module per audience: the person's, the tracker's, Home Affairs'."""
