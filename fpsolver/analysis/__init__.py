"""Analysis of results: comparison metrics (:mod:`.compare`) and observables (:mod:`.observables`)."""
