// The text annotator's browser bundle reads process.env.NODE_ENV, which browsers lack.
window.process = window.process || { env: { NODE_ENV: "production" } };
