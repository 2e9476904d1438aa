"""Reports people work from: the results framework and the PDF country and portfolio briefs."""
