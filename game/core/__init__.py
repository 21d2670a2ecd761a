"""The rules of the game: maze, actors, ghosts and the fixed-step world. No pygame, cv2 or TensorFlow."""
