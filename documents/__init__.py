"""Documents a party takes home, built without Streamlit: the printable brief (HTML, PDF through headless
Chromium) and the kuntafoorumi's two-page brief and slide deck. Above the read model (they lay out its
data), below ui/ and the CLI, which both offer them."""
