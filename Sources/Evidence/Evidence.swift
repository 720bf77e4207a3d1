// Evidence module.
