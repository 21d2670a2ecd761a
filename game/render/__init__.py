"""Drawing: maze, sprites, HUD and the widgets the scenes share; reads state, never changes it."""
