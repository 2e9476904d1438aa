"""World and region maps drawn as SVG on the server (geometry, colouring, drawing)."""
