"""Small scripts the generated release workflow runs on the runner's Python (standard library plus
``packaging``). They live here as files so the suite runs them directly; the generator inlines them.
"""
