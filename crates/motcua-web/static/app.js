// The few behaviours pages need beyond forms and links, bound here because the content
// security policy runs no inline script: a button with data-print prints the page.
document.addEventListener('click', (e) => {
  const b = e.target.closest('[data-print]');
  if (b) { e.preventDefault(); window.print(); }
});
