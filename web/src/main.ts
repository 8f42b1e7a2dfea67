import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { prefs } from './lib/i18n.svelte';

document.documentElement.lang = prefs.locale;

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

export default mount(App, { target });
