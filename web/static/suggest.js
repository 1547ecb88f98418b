/* Kavosh search-as-you-type: an ARIA combobox over /api/suggest.
 *
 * Progressive enhancement only: without this script the form is a plain
 * search box that submits to "/".  Keys: ArrowDown/ArrowUp move through the
 * list, Enter searches for the highlighted suggestion, Escape closes the list,
 * Tab leaves it.  Suggestions are inserted as text (never as HTML).
 */
(function () {
  "use strict";

  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch || !input.form) {
    return;
  }

  var DELAY_MS = 120;
  var items = [];
  var active = -1;
  var timer = null;
  var controller = null;
  var lastAsked = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-haspopup", "listbox");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var options = list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    items = suggestions;
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    if (!items.length) {
      close();
      return;
    }
    items.forEach(function (text, i) {
      var option = document.createElement("li");
      option.id = "suggestion-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("dir", "auto");
      option.textContent = text;
      list.appendChild(option);
    });
    active = -1;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function choose(index) {
    if (index < 0 || index >= items.length) {
      return;
    }
    input.value = items[index];
    close();
    input.form.submit();
  }

  function ask() {
    var text = input.value;
    if (text === lastAsked) {
      return;
    }
    lastAsked = text;
    if (controller) {
      controller.abort();
    }
    if (text.trim().length < 2) {
      render([]);
      return;
    }
    controller = window.AbortController ? new AbortController() : null;
    fetch("/api/suggest?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        if (input.value === text && document.activeElement === input) {
          render(data.suggestions || []);
        }
      })
      .catch(function () { /* aborted or offline: keep the plain search box */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });

  input.addEventListener("keydown", function (event) {
    var open = !list.hidden && items.length > 0;
    if (event.key === "ArrowDown") {
      if (!open) {
        lastAsked = null;
        ask();
        return;
      }
      event.preventDefault();
      highlight(active + 1 >= items.length ? 0 : active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      close();
    }
  });

  // mousedown, not click: it comes before the input loses focus.
  list.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) {
      event.preventDefault();
      choose(Array.prototype.indexOf.call(list.children, option));
    }
  });

  input.addEventListener("blur", close);
})();
